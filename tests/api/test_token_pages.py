"""Personal tokens on each site's page; integration tokens in the dashboard."""

import re

import pytest
from django.conf import settings
from django.test import Client

from commerce.api.models import ApiToken
from tests import factories
from tests.api.conftest import assert_error, storefront_api

pytestmark = pytest.mark.django_db


def shown_key(response) -> str:
    found = re.search(r"<code>(nw_[\w-]+)</code>", response.content.decode())
    assert found, "the new key is shown once"
    return found.group(1)


@pytest.mark.parametrize(
    "host,url",
    [(settings.STOREFRONT_HOST, "/accounts/api-tokens/"), (settings.PORTAL_HOST, "/api-tokens/")],
)
def test_a_person_creates_uses_and_revokes_a_personal_token(company, people, host, url):
    client = Client(HTTP_HOST=host)
    client.force_login(people["buyer"])

    created = client.post(url, {"name": "Procurement app"})

    assert created.status_code == 200
    key = shown_key(created)
    token = ApiToken.objects.get(user=people["buyer"])
    assert (token.name, token.kind) == ("Procurement app", "personal")
    assert key not in client.get(url).content.decode()  # never shown again
    api = storefront_api()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/orders/").status_code == 200

    revoked = client.post(f"{url}{token.pk}/revoke/")

    assert revoked.status_code == 302
    assert_error(api.get("/api/orders/"), 401, "not_authenticated")


def test_a_token_needs_a_name(db):
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.UserFactory())
    assert client.post("/accounts/api-tokens/", {"name": ""}).status_code == 400
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(db):
    from commerce.api import tokens

    theirs = tokens.token_issue(user=factories.UserFactory(), name="theirs").token
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.UserFactory())

    assert client.post(f"/accounts/api-tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_staff_create_and_revoke_integration_tokens_in_the_dashboard(db):
    owner = factories.UserFactory(email="erp@acme.example")
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.StaffFactory())

    page = client.get("/dashboard/api-tokens/")
    assert page.status_code == 200
    created = client.post(
        "/dashboard/api-tokens/", {"name": "ERP sync", "owner_email": "erp@acme.example"}
    )

    key = shown_key(created)
    token = ApiToken.objects.get()
    assert (token.kind, token.user) == ("integration", owner)
    client.post(f"/dashboard/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = storefront_api()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_error(api.get("/api/orders/"), 401, "not_authenticated")


def test_the_dashboard_section_is_for_staff(db):
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.UserFactory())
    assert client.get("/dashboard/api-tokens/").status_code in (302, 403)
    assert client.post(
        "/dashboard/api-tokens/", {"name": "x", "owner_email": "a@b.c"}
    ).status_code in (302, 403)
    assert not ApiToken.objects.exists()
