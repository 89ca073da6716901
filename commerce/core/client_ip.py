"""The one rule for a request's client address (sign-in lockout and API throttles).

``X-Forwarded-For`` is trusted only as far as ``TRUSTED_PROXY_COUNT`` proxies
of our own append to it; with the default of 0 the header is ignored and the
address is the TCP peer's. The same rule as DRF's ``NUM_PROXIES``, which the
settings keep equal.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: the peer, or the entry our outermost trusted proxy wrote."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if not forwarded:
        return remote
    return forwarded[-min(count, len(forwarded))]
