"""User enumeration: sign-in does the same password work for a known and an
unknown email, and the sign-up pages answer a known email as a new one."""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.test import Client

from accounts.models import Company
from tests import factories
from tests.accounts.test_registration_flow import SIGNUP

pytestmark = pytest.mark.django_db


def _storefront(client, email, password):
    return client.post(
        "/accounts/login/",
        {"login-username": email, "login-password": password, "login_submit": "1"},
        HTTP_HOST=settings.STOREFRONT_HOST,
    )


def _portal(client, email, password):
    return client.post(
        "/sign-in/", {"username": email, "password": password}, HTTP_HOST=settings.PORTAL_HOST
    )


def _api(client, email, password):
    return client.post(
        "/api/auth/token/",
        {"email": email, "password": password, "name": "x"},
        content_type="application/json",
        HTTP_HOST=settings.STOREFRONT_HOST,
    )


def _admin(client, email, password):
    return client.post(
        "/admin/login/",
        {"username": email, "password": password},
        HTTP_HOST=settings.STOREFRONT_HOST,
    )


DOORS = {"storefront": _storefront, "portal": _portal, "api": _api, "admin": _admin}


def hasher_work(sign_in, email) -> int:
    """How many hashes one failed sign-in computes (checking a password hashes
    it too: the configured hashers' ``verify`` calls ``encode``)."""
    hasher = type(get_hasher())
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode:
        sign_in(Client(), email, "not-the-password")
    return encode.call_count


@pytest.mark.parametrize("door", DOORS)
def test_a_known_and_an_unknown_email_cost_the_same_hashing(door, db):
    known = factories.StaffFactory(email="known@example.com")
    factories.MembershipFactory(user=known, company=factories.CompanyFactory(), role="buyer")
    sign_in = DOORS[door]

    known_work = hasher_work(sign_in, "known@example.com")
    unknown_work = hasher_work(sign_in, "nobody@example.com")
    inactive = factories.UserFactory(email="gone@example.com", is_active=False)
    inactive_work = hasher_work(sign_in, inactive.email)

    assert known_work == unknown_work == inactive_work == 1


@pytest.fixture
def germany():
    return factories.CountryFactory()


def _portal_signup(email):
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    response = client.post(
        "/signup/", {**SIGNUP, "email": email, "tax_id": f"DE{abs(hash(email)) % 10**9:09d}"}
    )
    return client, response


def test_portal_signup_answers_a_known_email_as_a_new_one(germany, committed):
    factories.UserFactory(email="taken@example.com")

    with committed():
        _, new = _portal_signup("fresh@example.com")
    mail.outbox.clear()
    with committed():
        known_client, known = _portal_signup("TAKEN@example.com")

    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert known["Location"] == "/signup/done/"
    done = known_client.get("/signup/done/")
    assert done.status_code == 200
    assert "already" not in done.content.decode().lower()
    assert not Company.objects.filter(email__iexact="taken@example.com").exists()
    assert [m.to for m in mail.outbox] == [["taken@example.com"]]
    assert "tried to sign up" in mail.outbox[0].subject
    assert "/sign-in/" in mail.outbox[0].body


def test_portal_signup_with_a_known_email_hashes_like_a_new_one(germany):
    factories.UserFactory(email="taken@example.com")
    hasher = type(get_hasher())

    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode:
        _portal_signup("taken@example.com")
    known = encode.call_count
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode:
        _portal_signup("fresh@example.com")

    assert known >= 1
    assert encode.call_count - 1 == known  # signing the new account in checks nothing again


def _storefront_register(url, email):
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    prefix = "registration-" if url == "/accounts/login/" else ""
    data = {
        f"{prefix}email": email,
        f"{prefix}password1": "a-good-long-passphrase",
        f"{prefix}password2": "a-good-long-passphrase",
    }
    if prefix:
        data["registration_submit"] = "1"
    return client, client.post(url, data)


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/register/"])
def test_storefront_registration_answers_a_known_email_as_a_new_one(url, db, committed):
    owner = factories.UserFactory(email="taken@example.com")

    new_client, new = _storefront_register(url, "fresh@example.com")
    mail.outbox.clear()
    with committed():
        known_client, known = _storefront_register(url, "Taken@Example.com")

    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert "_auth_user_id" in new_client.session
    assert "_auth_user_id" not in known_client.session
    owner.refresh_from_db()
    assert owner.check_password(factories.PASSWORD)
    assert [m.to for m in mail.outbox] == [["taken@example.com"]]
    assert "tried to sign up" in mail.outbox[0].subject
