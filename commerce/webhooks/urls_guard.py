"""Which webhook URLs we call: http(s) only, and (unless allowed by settings)
never a host that resolves to a loopback, private, link-local, multicast,
reserved or unspecified address. Checked when an endpoint is registered and
again, re-resolving, at every delivery (DNS may have changed since); the
delivery then connects to the address that was checked."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from commerce.webhooks.exceptions import UnsafeWebhookURL

SCHEMES = {"http": 80, "https": 443}


def _host_allowed(host: str) -> bool:
    allowed = {h.strip().lower().strip("[]") for h in settings.WEBHOOK_ALLOWED_HOSTS}
    return host.lower() in allowed


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeWebhookURL(f"The host {host!r} does not resolve.") from error
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_url(url: str, *, resolve_host: bool = True) -> tuple[str, str, int, list[str]]:
    """Return (scheme, host, port, addresses to connect to) or raise UnsafeWebhookURL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeWebhookURL("Not a valid URL.") from error
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsafeWebhookURL("Webhook URLs must use http or https.")
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeWebhookURL("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeWebhookURL("Credentials in the URL are not allowed; use the signing secret.")
    port = port or SCHEMES[scheme]
    if not resolve_host:
        return scheme, host, port, []
    addresses = resolve(host, port)
    if settings.WEBHOOK_ALLOW_PRIVATE or _host_allowed(host):
        return scheme, host, port, addresses
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not _is_public(ip):
            raise UnsafeWebhookURL(
                f"The host {host!r} resolves to {address}, a non-public address; "
                "webhooks are only sent to public addresses."
            )
    return scheme, host, port, addresses
