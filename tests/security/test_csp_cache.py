"""The CSP header from ``commerce.core.csp``: django-csp's own, byte for byte,
built once per setting value instead of per response."""

import pytest
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from commerce.core import csp

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def respond(middleware_class, *, use_nonce: bool, view=None, path="/catalogue/"):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda r: HttpResponse("ok"))
    middleware.process_request(request)
    nonce = str(request.csp_nonce) if use_nonce else None
    response = (view or (lambda r: HttpResponse("ok")))(request)
    middleware.process_response(request, response)
    return nonce, {name: response.get(name) for name in HEADERS}


def same_as_django_csp(**kwargs):
    nonce, ours = respond(csp.ContentSecurityPolicyMiddleware, **kwargs)
    their_nonce, theirs = respond(CSPMiddleware, **kwargs)
    if nonce:  # each request its own nonce: compare with it put back
        theirs = {k: v and v.replace(their_nonce, nonce) for k, v in theirs.items()}
    assert ours == theirs
    return nonce, ours


@pytest.mark.parametrize("use_nonce", [True, False])
def test_the_header_is_django_csps(use_nonce):
    nonce, headers = same_as_django_csp(use_nonce=use_nonce)
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert (f"'nonce-{nonce}'" in policy) is use_nonce


def test_each_response_gets_its_own_nonce():
    first, one = respond(csp.ContentSecurityPolicyMiddleware, use_nonce=True)
    second, two = respond(csp.ContentSecurityPolicyMiddleware, use_nonce=True)
    assert first != second
    assert f"'nonce-{first}'" in one["Content-Security-Policy"]
    assert f"'nonce-{second}'" in two["Content-Security-Policy"]
    assert first not in two["Content-Security-Policy"]


def test_a_settings_change_is_followed():
    respond(csp.ContentSecurityPolicyMiddleware, use_nonce=True)  # built and kept
    policy = {
        "EXCLUDE_URL_PREFIXES": ["/excluded/"],
        "DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://cdn.example"]},
    }
    report = {"DIRECTIVES": {"default-src": ["'none'"], "report-uri": "/csp-report/"}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=report
    ):
        _nonce, headers = same_as_django_csp(use_nonce=False)
        assert "https://cdn.example" in headers["Content-Security-Policy"]
        assert headers["Content-Security-Policy-Report-Only"]
        _nonce, excluded = same_as_django_csp(use_nonce=False, path="/excluded/page/")
        assert excluded["Content-Security-Policy"] is None
    _nonce, headers = same_as_django_csp(use_nonce=False)
    assert "https://cdn.example" not in headers["Content-Security-Policy"]


def test_a_view_with_its_own_policy_or_exempt_gets_django_csps_answer():
    @csp_update({"img-src": ["https://maps.example"]})
    def updated(request):
        return HttpResponse("ok")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("ok")

    _nonce, headers = same_as_django_csp(use_nonce=True, view=updated)
    assert "https://maps.example" in headers["Content-Security-Policy"]
    _nonce, headers = same_as_django_csp(use_nonce=False, view=exempt)
    assert headers["Content-Security-Policy"] is None


def test_a_nonce_asked_for_after_the_header_is_an_error():
    from csp.exceptions import CSPNonceError

    request = RequestFactory().get("/")
    middleware = csp.ContentSecurityPolicyMiddleware(lambda r: HttpResponse("ok"))
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse("ok"))
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
