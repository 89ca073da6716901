"""Redis down: a listing whose price map cannot be read, stored or queued still
renders (without the price facet), and queues nothing; with Redis back the map
is queued, built from the outbox and shown."""

import pytest
from django.conf import settings
from django.test import Client

from catalog import price_map
from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_relay
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_listing_renders_without_its_price_map_while_redis_is_down(redis_cache, settings_):
    for n in range(3):
        factories.ProductFactory(title=f"Bolt {n}", stock=5, stock__price="10.00")
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)

    redis_cache.stop()
    page = client.get("/catalogue/")
    assert page.status_code == 200
    assert 'data-facet="price"' not in page.content.decode()
    assert page.content.decode().count('<div class="sku">') == 3
    assert not OutboxMessage.objects.filter(topic=price_map.TOPIC).exists()
    # Sorted and filtered by price: a bounded live fallback, still exact.
    page = client.get("/catalogue/", {"sort_by": "price_asc", "price_min": "0", "price_max": "25"})
    assert page.status_code == 200
    assert page.content.decode().count('<div class="sku">') == 3

    redis_cache.start()
    import time

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        client.get("/catalogue/?again=1")
        if OutboxMessage.objects.filter(topic=price_map.TOPIC).exists():
            break
        time.sleep(0.2)
    assert OutboxMessage.objects.filter(topic=price_map.TOPIC).count() == 1
    assert outbox_relay(topics=[price_map.TOPIC]).done
    assert 'data-facet="price">' in client.get("/catalogue/?after=1").content.decode()


@pytest.fixture
def settings_(settings):
    settings.CATALOG_PRICES_INLINE_LIMIT = 0
    return settings
