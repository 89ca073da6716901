"""Product views with Redis stopped or frozen: the product page answers, no error,
nothing is recorded, and a frozen Redis costs one timeout, not one per view."""

import time

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model

from catalog import product_views
from commerce.outbox.models import OutboxMessage
from tests import factories

ProductRecord = get_model("analytics", "ProductRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(redis_cache):
    product = factories.ProductFactory(title="Hex bolt M8", stock=500, stock__price="10.00")
    company = factories.business("Acme Industrial")
    portal = Client(HTTP_HOST=settings.PORTAL_HOST)
    portal.force_login(factories.MembershipFactory(company=company, role="buyer").user)
    return {"product": product, "portal": portal}


def recorded(redis_cache) -> list[bytes]:
    return redis_cache.client().keys("*catalog:views:*")


def test_with_redis_stopped_product_pages_answer_and_record_nothing(shop, redis_cache, committed):
    url = shop["product"].get_absolute_url()
    with committed():
        assert Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url).status_code == 200
    assert recorded(redis_cache)  # Redis up: the view is counted there

    redis_cache.stop()
    with committed():
        for _ in range(2):
            assert Client(HTTP_HOST=settings.STOREFRONT_HOST).get(url).status_code == 200
            assert shop["portal"].get(url).status_code == 200
        assert product_views.product_views_drain() == 0
    redis_cache.start()
    assert recorded(redis_cache) == []
    assert not ProductRecord.objects.exists()
    assert not OutboxMessage.objects.filter(topic=product_views.TOPIC).exists()


def test_a_frozen_redis_costs_one_timeout_not_one_per_view(shop, redis_cache):
    redis_cache.freeze()
    started = time.monotonic()
    for _ in range(20):
        product_views.record(shop["product"].pk, None)
    elapsed = time.monotonic() - started
    redis_cache.thaw()
    # The first view waits for the socket timeout (0.5 s) and opens the down
    # window; the other 19 skip Redis.
    assert elapsed < 2 * 0.5
    # At most the first view, which a thawed Redis may still run; never an error.
    counted = redis_cache.client().hget("faults:1:catalog:views:products", shop["product"].pk)
    assert int(counted or 0) <= 1
