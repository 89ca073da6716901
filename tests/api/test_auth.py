"""Token and session authentication, token lifecycle, throttling."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from commerce.api import tokens
from commerce.api.models import ApiToken
from tests import factories
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    user = factories.UserFactory(email="pat@example.com")
    user.set_password("secret-pass-1")
    user.save()
    return user


def client(host=None) -> APIClient:
    return APIClient(HTTP_HOST=host or settings.STOREFRONT_HOST)


def test_email_and_password_get_a_personal_token_stored_only_as_a_hash(user):
    response = client().post(
        "/api/auth/token/", {"email": "pat@example.com", "password": "secret-pass-1"}, format="json"
    )

    assert response.status_code == 201
    key = response.json()["token"]
    token = ApiToken.objects.get()
    assert (token.user, token.kind, token.prefix) == (user, "personal", key[:10])
    assert token.key_hash == tokens.hash_key(key) and key not in token.key_hash
    api = client()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/orders/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_wrong_password_gets_no_token(user):
    response = client().post(
        "/api/auth/token/", {"email": "pat@example.com", "password": "nope"}, format="json"
    )
    assert_error(response, 401, "not_authenticated")
    assert not ApiToken.objects.exists()


def test_no_credentials_is_not_authenticated(db):
    response = client().get("/api/orders/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token nw_not-a-key", "Token", "Token a b"])
def test_a_bad_token_is_not_authenticated(db, header):
    api = client()
    api.credentials(HTTP_AUTHORIZATION=header)
    assert_error(api.get("/api/orders/"), 401, "not_authenticated")


def test_a_revoked_token_stops_working(user):
    issued = tokens.token_issue(user=user, name="phone")
    api = client()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert api.get("/api/orders/").status_code == 200

    tokens.token_revoke(token=issued.token, actor=user)

    assert_error(api.get("/api/orders/"), 401, "not_authenticated")


def test_only_staff_create_integration_tokens(user):
    with pytest.raises(tokens.TokenError):
        tokens.token_issue(user=user, name="erp", kind="integration", actor=user)
    staff = factories.StaffFactory()
    assert tokens.token_issue(
        user=user, name="erp", kind="integration", actor=staff
    ).token.kind == ("integration")


@pytest.fixture
def throttle_rates(monkeypatch):
    """Set throttle rates for one test (DRF reads them into the throttle class)."""
    from rest_framework.throttling import SimpleRateThrottle

    def set_rates(**rates):
        monkeypatch.setattr(
            SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **rates}
        )

    return set_rates


def test_the_sign_in_endpoint_is_throttled(user, throttle_rates):
    throttle_rates(auth="3/minute")
    answers = [
        client().post(
            "/api/auth/token/", {"email": "pat@example.com", "password": "x"}, format="json"
        )
        for _ in range(4)
    ]

    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    body = assert_error(answers[-1], 429, "throttled")
    assert body["details"]["wait"] > 0
    assert int(answers[-1]["Retry-After"]) > 0


def test_anonymous_access_is_throttled(db, throttle_rates):
    throttle_rates(anon="2/minute")
    answers = [client().get("/api/products/") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert_error(answers[-1], 429, "throttled")


def test_signed_in_callers_are_not_held_to_the_anonymous_rate(user, throttle_rates):
    throttle_rates(anon="1/minute")
    issued = tokens.token_issue(user=user, name="phone")
    api = client()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")

    assert [api.get("/api/products/").status_code for _ in range(3)] == [200, 200, 200]


def test_session_authentication_needs_csrf_for_writes(user):
    api = APIClient(HTTP_HOST=settings.STOREFRONT_HOST, enforce_csrf_checks=True)
    api.force_login(user)
    product = factories.ProductFactory()
    assert api.get("/api/basket/lines/").status_code == 200

    refused = api.post("/api/basket/lines/", {"product": product.pk}, format="json")

    body = assert_error(refused, 403, "permission_denied")
    assert "CSRF" in body["message"]
