import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests import factories
from tests.helpers import missing_service

# Tests run on whatever DATABASE_URL says; CI points it at PostgreSQL.


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "private")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Catalog caches (menu, counts, visibility rules) are versioned by saves; a
    rolled-back test leaves entries whose ids the next test reuses."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _require_postgres(request):
    """Tests marked ``postgres`` need real row locks; CI must fail, not skip, without them."""
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor == "postgresql":
        return
    missing_service(
        f"needs PostgreSQL (DATABASE_URL), running on {connection.vendor}", "REQUIRE_POSTGRES"
    )


@pytest.fixture(autouse=True)
def _require_redis(request):
    """Tests marked ``redis`` need the Redis cache (its hashes, lists and scripts);
    CI must fail, not skip, without it."""
    if request.node.get_closest_marker("redis") is None:
        return
    from django.core.cache import caches

    from commerce.core.cache import FailSoftRedisCache

    if isinstance(caches["default"], FailSoftRedisCache):
        return
    backend = type(caches["default"]).__name__
    missing_service(f"needs the Redis cache (REDIS_URL), running on {backend}", "REQUIRE_REDIS")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs the block's on_commit callbacks (Celery tasks,
    emails) when it ends, as a real commit would; tests run inside a transaction
    that never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def storefront_client() -> Client:
    return Client(HTTP_HOST=settings.STOREFRONT_HOST)


@pytest.fixture
def portal_client() -> Client:
    return Client(HTTP_HOST=settings.PORTAL_HOST)


@pytest.fixture
def acme(db):
    return factories.CompanyFactory(name="Acme Industrial")


@pytest.fixture
def buyer(acme):
    return factories.MembershipFactory(company=acme, role="buyer").user


@pytest.fixture
def portal_buyer_client(portal_client, buyer) -> Client:
    portal_client.force_login(buyer)
    return portal_client
