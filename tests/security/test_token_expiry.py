"""API tokens expire, rotate, and an integration token shows its last use."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.api import tokens
from commerce.api.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

SITES = [
    (settings.STOREFRONT_HOST, "/accounts/api-tokens/"),
    (settings.PORTAL_HOST, "/api-tokens/"),
]


def shown_key(response) -> str:
    found = re.search(r"<code>(nw_[\w-]+)</code>", response.content.decode())
    assert found, "the new key is shown once"
    return found.group(1)


def call_api(key: str):
    return Client(HTTP_HOST=settings.STOREFRONT_HOST).get(
        "/api/orders/", HTTP_AUTHORIZATION=f"Token {key}"
    )


def signed_in(host, user) -> Client:
    """A session opened now (a session opened before a time jump has expired)."""
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


@pytest.fixture
def member(db):
    user = factories.UserFactory(email="pat@example.com")
    factories.MembershipFactory(user=user, company=factories.CompanyFactory(), role="buyer")
    return user


@pytest.mark.parametrize("host,url", SITES)
def test_a_personal_token_expires_after_the_configured_days(member, host, url):
    page = Client(HTTP_HOST=host)
    page.force_login(member)
    key = shown_key(page.post(url, {"name": "Procurement app"}))
    expires = timezone.localtime(ApiToken.objects.get(user=member).expires_at)

    assert expires.date() == (timezone.localtime() + timedelta(days=90)).date()
    assert expires.strftime("%Y-%m-%d") in page.get(url).content.decode()
    assert call_api(key).status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=settings.API_TOKEN_DAYS, hours=1)):
        refused = call_api(key)
        listing = signed_in(host, member).get(url).content.decode()

    assert refused.status_code == 401
    assert refused.json()["code"] == "token_expired"
    assert "expired" in refused.json()["message"]
    assert "(expired)" in listing


def test_a_token_from_the_sign_in_endpoint_expires_too(member):
    answer = Client(HTTP_HOST=settings.STOREFRONT_HOST).post(
        "/api/auth/token/",
        {"email": member.email, "password": factories.PASSWORD, "name": "cli"},
        content_type="application/json",
    )
    key = answer.json()["token"]

    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert call_api(key).json()["code"] == "token_expired"


def test_the_expiry_comes_from_settings(settings, member):
    settings.API_TOKEN_DAYS = 7
    issued = tokens.token_issue(user=member, name="short")

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert call_api(issued.key).json()["code"] == "token_expired"


@pytest.mark.parametrize("host,url", SITES)
def test_rotating_gives_a_new_key_once_and_stops_the_old_one(member, host, url):
    page = Client(HTTP_HOST=host)
    page.force_login(member)
    old_key = shown_key(page.post(url, {"name": "Procurement app"}))
    old = ApiToken.objects.get(user=member)

    with time_machine.travel(timezone.now() + timedelta(days=60)):
        page = signed_in(host, member)
        rotated = page.post(f"{url}{old.pk}/rotate/")
        new_key = shown_key(rotated)
        old_answer = call_api(old_key)
        new_answer = call_api(new_key)
        new = ApiToken.objects.get(user=member, revoked_at__isnull=True)
        rotated_at = timezone.now()

    assert new_key != old_key
    assert old_answer.status_code == 401
    assert old_answer.json()["code"] == "not_authenticated"
    assert new_answer.status_code == 200
    assert new.name == "Procurement app"
    assert new.expires_at - rotated_at > timedelta(days=89)
    assert new_key not in signed_in(host, member).get(url).content.decode()


def test_nobody_rotates_someone_elses_token(member):
    other = factories.UserFactory(email="other@example.com")
    theirs = tokens.token_issue(user=other, name="theirs")
    page = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    page.force_login(member)

    answer = page.post(f"/accounts/api-tokens/{theirs.token.pk}/rotate/")

    assert answer.status_code == 404
    assert call_api(theirs.key).status_code == 200
    assert ApiToken.objects.filter(user=other).count() == 1


def test_a_revoked_token_cannot_be_rotated_back_to_life(member):
    issued = tokens.token_issue(user=member, name="old")
    tokens.token_revoke(token=issued.token, actor=member)
    page = Client(HTTP_HOST=settings.PORTAL_HOST)
    page.force_login(member)

    page.post(f"/api-tokens/{issued.token.pk}/rotate/")

    assert ApiToken.objects.filter(user=member).count() == 1


def test_integration_tokens_never_expire_and_show_their_last_use(member):
    staff = factories.StaffFactory(email="ops@example.com")
    issued = tokens.token_issue(user=member, name="ERP sync", kind="integration", actor=staff)

    with time_machine.travel(timezone.now() + timedelta(days=400), tick=False):
        assert call_api(issued.key).status_code == 200
        used_at = timezone.localtime()
        dashboard = signed_in(settings.STOREFRONT_HOST, staff)
        listing = dashboard.get("/dashboard/api-tokens/").content.decode()

    issued.token.refresh_from_db()
    assert issued.token.expires_at is None
    row = re.search(rf'data-token-id="{issued.token.pk}".*?</tr>', listing, re.S).group(0)
    assert "Never" in row
    assert used_at.strftime("%Y-%m-%d %H:%M") in row


def test_last_use_is_written_at_most_once_a_minute(member):
    issued = tokens.token_issue(user=member, name="busy")
    start = timezone.now()

    def token_writes(at):
        with time_machine.travel(at), CaptureQueriesContext(connection) as queries:
            assert call_api(issued.key).status_code == 200
        return [q for q in queries if q["sql"].startswith("UPDATE") and "api_apitoken" in q["sql"]]

    assert len(token_writes(start)) == 1
    assert token_writes(start + timedelta(seconds=20)) == []
    assert token_writes(start + timedelta(seconds=50)) == []
    assert len(token_writes(start + timedelta(seconds=70))) == 1
