"""When CI asks for the real services, the suite really runs on them."""

import os

import pytest
from django.core.cache import cache, caches
from django.db import connection

pytestmark = pytest.mark.skipif(
    os.environ.get("REQUIRE_POSTGRES") != "1", reason="only meaningful where CI requires services"
)


@pytest.mark.django_db
def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_the_cache_is_redis_and_answers():
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    cache.set("ci-probe", "ok", 10)
    assert cache.get("ci-probe") == "ok"


def test_the_cache_client_parses_replies_in_c():
    """hiredis (pinned): the pure-Python reply parser cost a member's page about
    0.1 ms of its three cache round trips."""
    from redis._parsers import _HiredisParser

    client = caches["default"]._cache.get_client(write=False)
    connection = client.connection_pool.get_connection()
    try:
        assert isinstance(connection._parser, _HiredisParser)
    finally:
        client.connection_pool.release(connection)
