"""Nothing on our pages loads from another host: every script, stylesheet,
image, font and icon is ours, the API docs included."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

LOADED = re.compile(
    r"<(?:script|img|iframe|source)[^>]*\ssrc=\"([^\"]+)\"|<link[^>]*\shref=\"([^\"]+)\"", re.I
)
CSS_URL = re.compile(r"url\(\s*['\"]?(https?:)?//", re.I)


def foreign(html: str, host: str) -> list[str]:
    found = []
    for match in LOADED.finditer(html):
        url = match.group(1) or match.group(2)
        parts = urlsplit(url)
        if parts.netloc and parts.hostname not in {host, None}:
            found.append(url)
    if CSS_URL.search(html):
        found.append("a CSS url() to another host")
    return found


def test_pages_of_both_sites_the_dashboard_and_the_api_docs_load_nothing_from_elsewhere():
    product = factories.ProductFactory(title="Torque wrench", stock=5)
    company = factories.business("Acme Industrial")
    member = factories.MembershipFactory(company=company, role="admin").user
    staff = factories.StaffFactory()
    store = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    portal = Client(HTTP_HOST=settings.PORTAL_HOST)
    pages = [
        (store, "/"),
        (store, product.get_absolute_url()),
        (store, "/basket/"),
        (store, "/accounts/login/"),
        (store, "/api/redoc/"),
        (store, "/api/docs/"),
        (portal, "/sign-in/"),
        (portal, "/api/redoc/"),
    ]
    problems = []
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        problems += [
            (url, u) for u in foreign(response.content.decode(), client.defaults["HTTP_HOST"])
        ]
    portal.force_login(member)
    store.force_login(staff)
    for client, url in [
        (portal, "/"),
        (portal, "/quick-order/"),
        (portal, product.get_absolute_url()),
        (store, "/dashboard/"),
        (store, "/dashboard/orders/"),
        (store, f"/dashboard/catalogue/products/{product.pk}/"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        problems += [
            (url, u) for u in foreign(response.content.decode(), client.defaults["HTTP_HOST"])
        ]

    assert problems == []


def test_the_redoc_bundle_is_served_from_our_static_files():
    html = Client(HTTP_HOST=settings.STOREFRONT_HOST).get("/api/redoc/").content.decode()

    assert re.search(r'<script src="/static/drf_spectacular_sidecar/redoc/[^"]+"', html)
    assert "fonts.googleapis" not in html and "cdn." not in html
