"""The fail-soft cache backend on a private redis-server: with Redis gone every
operation degrades (a miss, a no-op) instead of raising, quickly; when Redis is
back, keys written meanwhile are dropped rather than served stale."""

import time

import pytest
from django.core.cache import cache

from commerce.core.cache import cache_version, cache_version_bump


def test_every_operation_degrades_while_redis_is_stopped(redis_cache):
    cache.set("kept", "value")
    assert cache.get("kept") == "value"

    redis_cache.stop()
    started = time.monotonic()

    assert cache.get("kept") is None
    assert cache.get("kept", "fallback") == "fallback"
    assert cache.get_many(["kept", "other"]) == {}
    assert cache.has_key("kept") is False
    assert cache.add("new", 1) is False
    assert cache.set("new", 1) is None
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.touch("kept") is False
    assert cache.delete("kept") is False
    assert cache.delete_many(["a", "b"]) is None
    assert cache.get_or_set("computed", lambda: 42) == 42
    with pytest.raises(ValueError):
        cache.incr("counter")
    # Versions still differ across a bump, so nothing keyed by them is reused.
    before = cache_version("family")
    cache_version_bump("family")
    assert cache_version("family") != before

    assert time.monotonic() - started < 2


def test_caching_resumes_when_redis_is_back(redis_cache):
    redis_cache.stop()
    assert cache.get("k") is None

    redis_cache.start()
    time.sleep(0.6)  # past the skip window

    cache.set("k", "v")
    assert cache.get("k") == "v"
    assert redis_cache.client().exists("faults:1:k")


def test_a_write_lost_in_an_outage_drops_the_older_value_when_redis_is_back(redis_cache):
    cache.set("price-list", "old")
    redis_cache.freeze()
    try:
        assert cache.get("probe") is None  # times out: Redis is skipped for a moment
        cache.set("price-list", "new")  # never reaches Redis
    finally:
        redis_cache.thaw()
    time.sleep(0.6)

    assert cache.get("price-list") is None  # rebuilt by its owner, never "old"


def test_a_version_bump_lost_in_an_outage_starts_a_new_family_afterwards(redis_cache):
    before = cache_version("family")
    redis_cache.freeze()
    try:
        assert cache.get("probe") is None
        cache_version_bump("family")
    finally:
        redis_cache.thaw()
    time.sleep(0.6)

    assert cache_version("family") != before
