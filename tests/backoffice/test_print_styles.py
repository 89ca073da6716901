"""Order, invoice and statement pages print cleanly on every site: the
dashboard links a print stylesheet (media="print") that hides its navigation,
breadcrumbs, tabs and buttons; the portal's and storefront's stylesheets have
print rules that hide their bars, side navigation and buttons."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from tests import factories
from tests.backoffice.conftest import dashboard_client, place_portal

pytestmark = pytest.mark.django_db


def print_rules(css_path: str) -> str:
    """The text of every ``@media print`` block of a stylesheet."""
    css = open(finders.find(css_path), encoding="utf-8").read()
    blocks = re.findall(r"@media print\s*\{(.*?)\n\}", css, re.S)
    assert blocks, css_path
    return "\n".join(blocks)


def hidden_selectors(rules: str) -> set[str]:
    hidden = set()
    rules = re.sub(r"/\*.*?\*/", "", rules, flags=re.S)
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", rules):
        if "display: none" in body:
            hidden |= {s.strip() for s in selectors.split(",")}
    return hidden


def test_the_dashboard_order_page_links_a_print_stylesheet(acme):
    order = place_portal(acme)
    client = dashboard_client(factories.StaffFactory())

    html = client.get(f"/dashboard/orders/{order.number}/").content.decode()

    link = re.search(r'<link[^>]*dashboard-print\.css"[^>]*>', html)
    assert link and 'media="print"' in link.group(0)
    css = open(finders.find("commerce/css/dashboard-print.css"), encoding="utf-8").read()
    assert {".navbar", ".breadcrumb", ".btn", "form", ".nav-tabs"} <= hidden_selectors(css)
    assert ".tab-content > .tab-pane { display: block !important" in css  # every tab printed


def test_portal_order_and_statement_pages_print_without_the_portal_chrome(acme):
    buyer = factories.MembershipFactory(company=acme, role="admin").user
    order = place_portal(acme, user=buyer)
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(buyer)

    for url in (f"/orders/{order.number}/", "/invoices/", "/invoices/statement/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'href="/static/portals/portal.css"' in html, url
        assert 'class="pt-bar"' in html and 'class="pt-side' in html, url
    assert {".pt-bar", ".pt-side", ".btn", "form", ".breadcrumb"} <= hidden_selectors(
        print_rules("portals/portal.css")
    )


def test_storefront_order_pages_print_without_the_storefront_chrome():
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.UserFactory())

    html = client.get("/accounts/orders/").content.decode()

    assert 'href="/static/portals/storefront.css"' in html
    assert {".sf-topbar", ".sf-header", ".sf-footer", ".btn", "form"} <= hidden_selectors(
        print_rules("portals/storefront.css")
    )
