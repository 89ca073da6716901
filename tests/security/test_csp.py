"""Content-Security-Policy, Referrer-Policy and Permissions-Policy on every page.

Under production settings an injected ``<script>`` or ``onerror=`` must not
run: the policy allows scripts only from our own origin or with the
request's nonce, and no page of ours needs more.
"""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests import factories
from tests.helpers import ADDRESS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_LIKE = {"DEBUG": False}


class InlineCode(HTMLParser):
    """Inline scripts (with their nonce) and inline event handlers in a page."""

    def __init__(self):
        super().__init__()
        self.scripts: list[str | None] = []
        self.handlers: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]
        self.handlers += [
            f"<{tag} {name}>"
            for name, value in attrs.items()
            if (value or "").strip().lower().startswith("javascript:")
        ]
        if tag == "script" and "src" not in attrs:
            self.scripts.append(attrs.get("nonce"))


def script_src(policy: str) -> list[str]:
    for directive in policy.split(";"):
        name, *values = directive.split()
        if name == "script-src":
            return values
    return []


def assert_protected(response):
    assert response.status_code == 200, response.status_code
    policy = response["Content-Security-Policy"]
    sources = script_src(policy)
    assert sources, policy
    assert "'unsafe-inline'" not in sources
    assert "'unsafe-eval'" not in sources
    assert "*" not in sources
    assert "'none'" in policy.split("object-src")[1].split(";")[0]
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    page = InlineCode()
    page.feed(response.content.decode())
    assert page.handlers == [], page.handlers
    nonces = {f"'nonce-{n}'" for n in page.scripts}
    assert None not in page.scripts, "an inline script without the nonce"
    assert nonces <= set(sources), (nonces, sources)


@pytest.fixture
def product():
    return factories.ProductFactory(
        title="Torque wrench", category=factories.make_category("Tools")
    )


@pytest.fixture
def member():
    company = factories.business("Acme Industrial")
    return factories.MembershipFactory(company=company, role="buyer").user


@pytest.fixture
def staff():
    return factories.StaffFactory(email="boss@example.com")


@override_settings(**PRODUCTION_LIKE)
def test_storefront_pages_carry_the_policy(product):
    shopper = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    for url in [
        "/",
        product.get_absolute_url(),
        "/catalogue/",
        "/search/?q=wrench",
        "/accounts/login/",
    ]:
        assert_protected(shopper.get(url))
    shopper.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    assert_protected(shopper.get("/basket/"))
    factories.CountryFactory()
    shopper.post("/checkout/", {"username": "guest@example.com", "options": "anonymous"})
    assert_protected(shopper.get("/checkout/shipping-address/"))
    shopper.post("/checkout/shipping-address/", ADDRESS)
    assert_protected(shopper.get("/checkout/shipping-method/"))
    shopper.post("/checkout/shipping-method/", {"method_code": "standard"})
    assert_protected(shopper.get("/checkout/payment-details/"))


@override_settings(**PRODUCTION_LIKE)
def test_portal_pages_carry_the_policy(product, member):
    anonymous = Client(HTTP_HOST=settings.PORTAL_HOST)
    assert_protected(anonymous.get("/sign-in/"))
    assert_protected(anonymous.get("/signup/"))
    buyer = Client(HTTP_HOST=settings.PORTAL_HOST)
    buyer.force_login(member)
    for url in ["/", "/quick-order/", "/orders/", "/api-tokens/"]:
        assert_protected(buyer.get(url))
    buyer.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    assert_protected(buyer.get("/checkout/"))


@override_settings(**PRODUCTION_LIKE)
def test_dashboard_and_admin_carry_the_policy(staff, product):
    desk = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    assert_protected(desk.get("/dashboard/login/"))
    assert_protected(desk.get("/admin/login/"))
    desk.force_login(staff)
    for url in [
        "/dashboard/",
        "/dashboard/orders/",
        f"/dashboard/catalogue/products/{product.pk}/",
        "/dashboard/api-tokens/",
        "/admin/",
        "/admin/accounts/user/",
    ]:
        assert_protected(desk.get(url))


@override_settings(**PRODUCTION_LIKE)
def test_the_api_docs_carry_the_policy(db):
    reader = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    for url in ["/api/docs/", "/api/redoc/"]:
        assert_protected(reader.get(url))


@override_settings(**PRODUCTION_LIKE)
def test_each_response_has_its_own_nonce(product):
    shopper = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    first, second = shopper.get("/"), shopper.get("/")

    nonce = re.compile(r"'nonce-([^']+)'")
    assert nonce.search(first["Content-Security-Policy"]).group(1) != nonce.search(
        second["Content-Security-Policy"]
    ).group(1)


def test_production_settings_turn_the_policy_on(tmp_path):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 64,
        "DJANGO_SETTINGS_MODULE": "commerce.settings",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    code = (
        "import json; from django.conf import settings;"
        "print(json.dumps({'middleware':"
        " 'commerce.core.csp.ContentSecurityPolicyMiddleware' in settings.MIDDLEWARE,"
        " 'script_src': [str(s) for s in"
        " settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']],"
        " 'referrer': settings.SECURE_REFERRER_POLICY,"
        " 'permissions': settings.PERMISSIONS_POLICY}))"
    )
    out = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    production = json.loads(out.strip().splitlines()[-1])

    assert production["middleware"] is True
    assert "'unsafe-inline'" not in production["script_src"]
    assert production["script_src"] == ["'self'", "csp.constants.NONCE"]
    assert production["referrer"] == "strict-origin-when-cross-origin"
    assert "camera=()" in production["permissions"]
