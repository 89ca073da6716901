"""How requests reach the cache (``commerce.core.cache``, ``commerce.core.sessions``)."""

import threading

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.test import RequestFactory

from commerce.core import cache as core_cache
from commerce.core.sessions import SessionStore, session_user_id


def test_the_default_cache_follows_the_caches_setting(settings):
    before = core_cache.default_cache()
    assert before is caches["default"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    now = core_cache.default_cache()
    assert now is not before
    assert now is caches["default"]
    core_cache.cache.set("test:default-cache", "locmem")
    assert caches["default"].get("test:default-cache") == "locmem"


def test_each_thread_has_its_own_default_cache_as_with_django():
    mine = core_cache.default_cache()
    theirs = []
    thread = threading.Thread(
        target=lambda: theirs.append((core_cache.default_cache(), caches["default"]))
    )
    thread.start()
    thread.join()
    assert theirs[0][0] is theirs[0][1]
    assert theirs[0][0] is not mine


@pytest.mark.django_db
def test_the_sessions_user_id_follows_a_sign_in_and_a_sign_out():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    assert session_user_id(request) is None  # no session yet
    request.session[SESSION_KEY] = "7"
    request.session.save()
    assert session_user_id(request) == "7"
    request.session.cycle_key()  # signing in again: a new key
    request.session[SESSION_KEY] = "8"
    assert session_user_id(request) == "8"
    request.session.flush()  # signing out: no key
    assert session_user_id(request) is None


def test_a_views_second_read_ahead_asks_only_what_may_name_more(monkeypatch):
    monkeypatch.setattr(core_cache, "_read_ahead", [])
    asked = []
    core_cache.register_read_ahead(lambda request: asked.append("once") or ["test:once"])
    core_cache.register_read_ahead(
        lambda request: asked.append("again") or [f"test:again:{request.company}"], again=True
    )
    request = RequestFactory().get("/")
    request.company = None
    with core_cache.shared_reads(request):
        assert asked == ["once", "again"]
        request.company = "acme"  # what the portal's middleware learns
        with core_cache.shared_reads(request):  # the view's
            assert asked == ["once", "again", "again"]
