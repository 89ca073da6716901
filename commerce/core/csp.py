"""The Content-Security-Policy header, built once and filled with each response's nonce.

django-csp's middleware builds the policy string from the settings on every
response (about 50 µs: a dataclass copied, every directive joined). The policy
only changes with the settings and the response's nonce, so this subclass
builds it once per setting value, with a placeholder where the nonce goes, and
puts the request's nonce in per response. A response with policy changes of its
own (django-csp's ``csp_update``/``csp_replace``/``csp_config`` decorators) is
built by django-csp as before. What it sends is django-csp's header, byte for
byte (``tests/security/test_csp_cache.py``).
"""

from __future__ import annotations

import http.client as http_client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed

_PLACEHOLDER = "__csp-nonce-placeholder__"
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_built: dict[tuple[bool, bool], tuple[str, tuple[str, ...]]] = {}


def _policy(*, report_only: bool, nonce: bool) -> tuple[str, tuple[str, ...]]:
    """(the policy with the nonce placeholder, its excluded URL prefixes)."""
    found = _built.get((report_only, nonce))
    if found is None:
        policy = build_policy(nonce=_PLACEHOLDER if nonce else None, report_only=report_only)
        name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        found = _built[(report_only, nonce)] = (policy, prefixes)
    return found


def _forget(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


setting_changed.connect(_forget, dispatch_uid="commerce-csp-forget")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if any(getattr(response, name, None) is not None for name in _PER_RESPONSE):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            http_client.INTERNAL_SERVER_ERROR,
            http_client.NOT_FOUND,
        ):
            return response
        nonce = getattr(request, "_csp_nonce", None)
        for header, report_only, exempt in (
            (HEADER, False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro"),
        ):
            policy, prefixes = _policy(report_only=report_only, nonce=nonce is not None)
            if not policy or header in response or getattr(response, exempt, False) is not False:
                continue
            if prefixes and request.path_info.startswith(prefixes):
                continue
            response[header] = policy.replace(_PLACEHOLDER, nonce) if nonce else policy
        # As django-csp: a nonce asked for after the header is written is an error.
        if nonce is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
