"""Brute force: every sign-in door locks an account and an address out.

The attack: a thousand wrong passwords against one account, each request with
a new ``X-Forwarded-For``, then the right password. It must not get in, and
the real owner must get in again after the cool-off or a staff unlock.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

GUESSES = 1000
LOCKED = "Too many failed sign-ins; try again in 15 minutes or reset your password."


def _sign_in_storefront(client, email, password, **extra):
    return client.post(
        "/accounts/login/",
        {"login-username": email, "login-password": password, "login_submit": "1"},
        HTTP_HOST=settings.STOREFRONT_HOST,
        **extra,
    )


def _sign_in_portal(client, email, password, **extra):
    return client.post(
        "/sign-in/",
        {"username": email, "password": password},
        HTTP_HOST=settings.PORTAL_HOST,
        **extra,
    )


def _sign_in_admin(client, email, password, **extra):
    return client.post(
        "/admin/login/",
        {"username": email, "password": password, "next": "/admin/"},
        HTTP_HOST=settings.STOREFRONT_HOST,
        **extra,
    )


def _sign_in_dashboard(client, email, password, **extra):
    return client.post(
        "/dashboard/login/",
        {"username": email, "password": password},
        HTTP_HOST=settings.STOREFRONT_HOST,
        **extra,
    )


def _sign_in_api(client, email, password, **extra):
    return client.post(
        "/api/auth/token/",
        {"email": email, "password": password, "name": "script"},
        content_type="application/json",
        HTTP_HOST=settings.STOREFRONT_HOST,
        **extra,
    )


DOORS = {
    "storefront": _sign_in_storefront,
    "portal": _sign_in_portal,
    "admin": _sign_in_admin,
    "dashboard": _sign_in_dashboard,
    "api": _sign_in_api,
}


def _succeeded(door: str, response) -> bool:
    if door == "api":
        return response.status_code == 201
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.fixture
def victim(db):
    """Staff with a portal membership, so every door would admit them."""
    user = factories.StaffFactory(email="victim@example.com")
    factories.MembershipFactory(user=user, company=factories.CompanyFactory(), role="buyer")
    return user


def _throttle_rates(monkeypatch, **rates):
    """DRF reads the rates into the throttle class once; set them there."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture(autouse=True)
def _api_throttle_out_of_the_way(monkeypatch):
    # The token endpoint's own throttle would also stop this attack; the lockout
    # must stop it without that help.
    _throttle_rates(monkeypatch, anon="100000/minute", auth="100000/minute")


def _rotating(i: int) -> dict:
    return {"HTTP_X_FORWARDED_FOR": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}


@pytest.mark.parametrize("door", DOORS)
def test_a_thousand_guesses_with_rotating_forwarded_for_never_get_in(door, victim):
    sign_in = DOORS[door]
    client = Client()
    answers = []
    for i in range(GUESSES - 1):
        answers.append(sign_in(client, victim.email, f"guess-{i}", **_rotating(i)))
    last = sign_in(client, victim.email, factories.PASSWORD, **_rotating(GUESSES))

    assert not any(_succeeded(door, r) for r in answers)
    assert not _succeeded(door, last)
    # The first failures are ordinary wrong-password answers; from the limit on,
    # every answer is the lockout, with the plain message.
    limit = settings.AXES_FAILURE_LIMIT
    assert all(r.status_code != 429 for r in answers[: limit - 1])
    assert all(r.status_code == 429 for r in [*answers[limit:], last])
    assert LOCKED in last.content.decode()
    if door == "api":
        assert last.json()["code"] == "locked_out"

    # After the cool-off the owner signs in again.
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        again = sign_in(Client(), victim.email, factories.PASSWORD)
    assert _succeeded(door, again), again.status_code


def test_guesses_from_many_real_addresses_still_lock_the_account(victim):
    client = Client()
    for i in range(50):
        _sign_in_portal(client, victim.email, f"guess-{i}", REMOTE_ADDR=f"192.0.2.{i + 1}")

    answer = _sign_in_portal(client, victim.email, factories.PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert answer.status_code == 429
    assert "_auth_user_id" not in client.session


def test_changing_the_case_of_the_email_does_not_make_a_new_account(victim):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        email = victim.email.upper() if i % 2 else f"  {victim.email.title()}"
        _sign_in_portal(client, email, f"guess-{i}", REMOTE_ADDR=f"192.0.2.{i + 1}")

    answer = _sign_in_portal(client, victim.email, factories.PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert answer.status_code == 429


def test_one_address_trying_many_accounts_is_locked_out(victim):
    client = Client()
    for i in range(settings.LOGIN_IP_FAILURE_LIMIT):
        _sign_in_storefront(client, f"someone{i}@example.com", "guess", REMOTE_ADDR="203.0.113.9")

    from_attacker = _sign_in_storefront(
        client, victim.email, factories.PASSWORD, REMOTE_ADDR="203.0.113.9"
    )
    from_elsewhere = _sign_in_storefront(
        Client(), victim.email, factories.PASSWORD, REMOTE_ADDR="198.51.100.7"
    )

    assert from_attacker.status_code == 429
    assert _succeeded("storefront", from_elsewhere)


def test_fewer_failures_than_the_limit_on_an_address_do_not_lock_it(victim):
    client = Client()
    for i in range(settings.LOGIN_IP_FAILURE_LIMIT - 1):
        _sign_in_storefront(client, f"someone{i}@example.com", "guess", REMOTE_ADDR="203.0.113.9")

    answer = _sign_in_storefront(
        client, victim.email, factories.PASSWORD, REMOTE_ADDR="203.0.113.9"
    )

    assert _succeeded("storefront", answer)


def test_forwarded_for_is_trusted_only_from_configured_proxies(settings, victim):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    # Behind one proxy of ours, the client controls everything but the last entry.
    for i in range(settings.LOGIN_IP_FAILURE_LIMIT):
        _sign_in_storefront(
            client,
            f"someone{i}@example.com",
            "guess",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.9",
            REMOTE_ADDR="10.1.1.1",
        )

    same_client = _sign_in_storefront(
        client,
        victim.email,
        factories.PASSWORD,
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9",
        REMOTE_ADDR="10.1.1.1",
    )
    other_client = _sign_in_storefront(
        Client(),
        victim.email,
        factories.PASSWORD,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        REMOTE_ADDR="10.1.1.1",
    )

    assert same_client.status_code == 429
    assert _succeeded("storefront", other_client)


def test_the_token_throttle_ignores_a_rotating_forwarded_for(monkeypatch, db):
    _throttle_rates(monkeypatch, anon="1000/minute", auth="10/minute")
    client = Client()
    answers = [
        _sign_in_api(client, f"someone{i}@example.com", "guess", **_rotating(i)).status_code
        for i in range(11)
    ]

    assert answers[:10] == [401] * 10
    assert answers[10] == 429
    assert _sign_in_api(client, "x@example.com", "guess", **_rotating(99)).json()["code"] == (
        "throttled"
    )


def test_staff_unlock_an_account_in_the_admin(victim):
    attacker = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _sign_in_portal(attacker, victim.email, f"guess-{i}", REMOTE_ADDR=f"192.0.2.{i + 1}")
    assert _sign_in_portal(Client(), victim.email, factories.PASSWORD).status_code == 429

    staff = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    staff.force_login(factories.StaffFactory(email="desk@example.com"))
    listing = staff.get("/admin/axes/accessattempt/", {"q": victim.email})
    assert listing.status_code == 200
    assert victim.email in listing.content.decode()
    from axes.models import AccessAttempt

    ids = list(AccessAttempt.objects.filter(username=victim.email).values_list("pk", flat=True))
    staff.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert _succeeded("portal", _sign_in_portal(Client(), victim.email, factories.PASSWORD))


def test_staff_unlock_an_account_with_the_command(victim):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _sign_in_portal(Client(), victim.email, f"guess-{i}", REMOTE_ADDR=f"192.0.2.{i + 1}")
    assert _sign_in_portal(Client(), victim.email, factories.PASSWORD).status_code == 429

    call_command("axes_reset_username", victim.email)

    assert _succeeded("portal", _sign_in_portal(Client(), victim.email, factories.PASSWORD))
