"""A NUL character in a URL, a filter or a form is a 400 page on every site
(PostgreSQL cannot compare or store one), never a 500."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories

pytestmark = pytest.mark.django_db

NUL_FILTERS = "q=%00&name=a%00b&status=%00&email=%00&order_number=%00&sku=%00&upc=%00"


def assert_bad_request_page(response):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert "json" not in response["Content-Type"]


@pytest.mark.parametrize("host", [settings.STOREFRONT_HOST, settings.PORTAL_HOST])
def test_a_nul_in_a_search_is_a_400_page(host, buyer):
    client = Client(HTTP_HOST=host)
    client.force_login(buyer)
    assert_bad_request_page(client.get("/search/?q=%00"))
    assert_bad_request_page(client.get("/search/?q=drill%00"))
    assert client.get("/search/?q=drill").status_code == 200


@pytest.mark.parametrize("path", ["/catalogue/%00/", "/%00", "/basket/?%00=1"])
def test_a_nul_in_the_url_is_a_400_page(storefront_client, path):
    assert_bad_request_page(storefront_client.get(path))


def test_a_nul_in_a_submitted_form_is_a_400_and_signs_nobody_in(storefront_client):
    user = factories.UserFactory(email="gail@example.com")
    user.set_password("a-long-pass-2026")
    user.save()

    response = storefront_client.post(
        "/accounts/login/",
        {"login-username": "gail@example.com\x00", "login-password": "a-long-pass-2026"},
    )

    assert_bad_request_page(response)
    assert "_auth_user_id" not in storefront_client.session


def dashboard_list_urls() -> list[str]:
    """Every dashboard URL that takes no argument (the lists, searches and forms)."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = str(entry.pattern).lstrip("^").rstrip("$")
            if "<" in route or "(" in route or "\\" in route:
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                found.append("/" + prefix + route)

    walk(get_resolver(settings.ROOT_URLCONF).url_patterns, "")
    return sorted(u for u in found if u.startswith("/dashboard/"))


def test_every_dashboard_list_refuses_nul_filters(storefront_client):
    urls = dashboard_list_urls()
    assert len(urls) >= 40, urls  # the sweep reached the whole dashboard
    storefront_client.force_login(factories.StaffFactory())

    answers = {url: storefront_client.get(f"{url}?{NUL_FILTERS}").status_code for url in urls}

    assert {url: code for url, code in answers.items() if code != 400} == {}
    # without the NUL the same lists answer as usual
    assert storefront_client.get("/dashboard/orders/?order_number=100").status_code == 200
