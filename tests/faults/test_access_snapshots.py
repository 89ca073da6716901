"""Sessions and each signed-in user's access read through Redis
(``commerce.core.sessions``, ``accounts.access_cache``): a cached portal page
reads nothing from the database, and every change that can refuse, narrow or
sign out a user still takes effect on the next request, whichever way it was
written, while Redis is frozen, and when a read races a sign-out."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from accounts import access_cache
from accounts.models import Company, Membership
from commerce.core import sessions
from tests import factories

pytestmark = pytest.mark.django_db

User = get_model("accounts", "User")
PASSWORD = "a-long-pass-2026"


@pytest.fixture
def shop(redis_cache):
    product = factories.ProductFactory(title="Hex bolt M8", stock=500, stock__price="10.00")
    acme = factories.business("Acme Industrial")
    membership = factories.MembershipFactory(company=acme, role="buyer")
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(membership.user)
    return {"product": product, "acme": acme, "membership": membership, "client": client}


def get(client, path="/catalogue/"):
    """``path``'s status: 200, 302 (to the sign-in page) or 403 (no access)."""
    response = client.get(path)
    return response.status_code


def warm(client, path="/catalogue/"):
    for _ in range(3):
        assert client.get(path).status_code == 200


def queries_of(client, path="/catalogue/") -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in ctx.captured_queries]


def test_a_cached_portal_page_reads_no_session_user_or_membership(shop):
    warm(shop["client"])
    assert queries_of(shop["client"]) == []


def test_a_signed_in_storefront_page_reads_no_session_or_user(shop):
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.UserFactory())
    warm(client, "/accounts/profile/")
    tables = " ".join(queries_of(client, "/accounts/profile/"))
    assert "django_session" not in tables
    assert 'FROM "accounts_user"' not in tables


@pytest.mark.parametrize("how", ["save", "update"])
def test_a_deactivated_user_is_signed_out_on_the_next_request(shop, how):
    client, user = shop["client"], shop["membership"].user
    warm(client)
    if how == "save":
        user.is_active = False
        user.save()
    else:
        User.objects.filter(pk=user.pk).update(is_active=False)
    assert get(client) == 302  # to the sign-in page


@pytest.mark.parametrize("how", ["save", "update", "delete"])
def test_a_removed_membership_refuses_the_next_request(shop, how):
    client, membership = shop["client"], shop["membership"]
    warm(client)
    if how == "save":
        membership.is_active = False
        membership.save()
    elif how == "update":
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    else:
        membership.delete()
    assert get(client) == 403


def test_a_closed_company_by_bulk_update_refuses_the_next_request(shop):
    warm(shop["client"])
    Company.objects.filter(pk=shop["acme"].pk).update(status=Company.Status.CLOSED)
    assert get(shop["client"]) == 403


def test_a_membership_added_in_bulk_shows_on_the_next_page(shop):
    client, user = shop["client"], shop["membership"].user
    warm(client)
    other = factories.business("Zenith Supplies")
    Membership.objects.bulk_create([Membership(user=user, company=other, role="buyer")])
    assert "Zenith Supplies" in client.get("/catalogue/").content.decode()


def test_a_password_changed_elsewhere_signs_the_session_out(shop):
    client, user = shop["client"], shop["membership"].user
    warm(client)
    user.set_password("another-long-pass-2026")
    user.save()
    assert get(client) == 302


def test_the_snapshot_holds_no_password_hash(shop, redis_cache):
    client, user = shop["client"], shop["membership"].user
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    warm(client)
    stored = b"".join(
        redis_cache.client().get(key) or b""
        for key in redis_cache.client().keys("*accounts:access:*")
    )
    assert stored, "no snapshot was kept"
    assert user.password.encode() not in stored
    kept = cache.get(access_cache._snapshot_key("user", user.pk))
    assert "password" not in kept[1]["user"][2]  # deferred: read from the database
    assert (
        "password"
        not in access_cache.cached_user(
            user.pk, access_cache.user_stamp(user.pk), kept[1]["backend"], kept[1]["hash"]
        ).__dict__
    )


def test_a_snapshot_built_while_a_change_commits_is_never_used(shop):
    user = User.objects.get(pk=shop["membership"].user_id)
    backend = "accounts.backends.EmailBackend"
    stamp = access_cache.user_stamp(user.pk)  # read before the database ...
    access_cache.bump_user(user.pk)  # ... a change commits meanwhile ...
    access_cache.keep_user(user.pk, stamp, user, backend)  # ... and the old read is kept
    hashed = user.get_session_auth_hash()
    current = access_cache.user_stamp(user.pk)
    assert access_cache.cached_user(user.pk, current, backend, hashed) is None
    access_cache.keep_user(user.pk, current, user, backend)
    assert access_cache.cached_user(user.pk, current, backend, hashed).pk == user.pk
    assert access_cache.cached_user(user.pk, current, backend, "forged") is None


def test_a_replayed_cookie_is_signed_out_after_sign_out(shop):
    client = shop["client"]
    warm(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/sign-out/")
    thief = Client(HTTP_HOST=settings.PORTAL_HOST)
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert get(thief) == 302


def test_a_read_racing_a_sign_out_does_not_bring_the_session_back(shop):
    client = shop["client"]
    warm(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A request misses the cache and reads the row just before a sign-out deletes
    # it; its fill of the cache lands after the sign-out.
    row = Session.objects.get(session_key=key)
    sessions.SessionStore(key).delete()

    class MissedBeforeTheSignOut:
        def get(self, key, default=None):
            return None

        def add(self, *args, **kwargs):
            return cache.add(*args, **kwargs)

    racing = sessions.SessionStore(key)
    racing._cache = MissedBeforeTheSignOut()
    racing._get_session_from_db = lambda: row
    assert racing.load()[SESSION_KEY]  # the late read had the session ...

    assert sessions.SessionStore(key).load() == {}  # ... but never filled the cache
    assert get(client) == 302


def test_a_session_store_falls_back_to_the_database_when_the_cache_misses(shop):
    client = shop["client"]
    warm(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cache.delete(sessions.KEY_PREFIX + key)
    data = sessions.SessionStore(key).load()
    assert {SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY} <= set(data)
    assert get(client) == 200


def test_a_deactivation_during_a_freeze_is_not_hidden_by_a_stale_snapshot(shop, redis_cache):
    client, user = shop["client"], shop["membership"].user
    warm(client)
    redis_cache.freeze()
    try:
        assert cache.get("probe") is None  # times out: Redis is skipped for a moment
        User.objects.filter(pk=user.pk).update(is_active=False)  # its bump is lost
        assert get(client) == 302  # from the database meanwhile
    finally:
        redis_cache.thaw()
    time.sleep(0.6)
    assert get(client) == 302


def test_a_sign_out_during_a_freeze_is_not_undone_by_the_cached_session(shop, redis_cache):
    client = shop["client"]
    warm(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    redis_cache.freeze()
    try:
        assert cache.get("probe") is None
        client.post("/sign-out/")  # its tombstone never reaches Redis
    finally:
        redis_cache.thaw()
    time.sleep(0.6)
    replay = Client(HTTP_HOST=settings.PORTAL_HOST)
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert get(replay) == 302


def test_a_session_save_never_writes_over_a_sign_outs_tombstone(shop, redis_cache):
    key = sessions.KEY_PREFIX + "a-session"
    cache.set(key, {"cart": 1})
    assert cache.set_unless(key, {"cart": 2}, sessions.TOMBSTONE, 60)
    assert cache.get(key) == {"cart": 2}
    cache.set(key, sessions.TOMBSTONE)  # signed out
    assert not cache.set_unless(key, {"cart": 3}, sessions.TOMBSTONE, 60)
    assert cache.get(key) == sessions.TOMBSTONE

    redis_cache.stop()
    assert not cache.set_unless(key, {"cart": 4}, sessions.TOMBSTONE, 60)  # no error


def test_a_session_changed_by_a_page_is_read_from_the_cache_on_the_next(shop):
    client = shop["client"]
    client.get("/catalogue/")  # the first page remembers the active company
    tables = " ".join(queries_of(client))
    assert "django_session" not in tables
