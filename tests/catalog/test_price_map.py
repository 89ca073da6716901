"""The listing price map is built in the background: a request at a new version
serves the previous map (marked stale) or none and queues one build through the
outbox; a stale map moves only the price-range buckets, never a card price, and
a price filter stays exact for the products shown."""

import re
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from catalog import price_map
from catalog.versions import bump_catalog_version
from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_relay
from tests.catalog import test_facets
from tests.catalog.test_facets import cards, facet_groups, result_count

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

shop = test_facets.shop

STALE = 'data-facet="price" data-stale="true"'


@pytest.fixture
def background(settings):
    """Every catalog is "large": the map is never priced on a request."""
    settings.CATALOG_PRICES_INLINE_LIMIT = 0


def builds() -> int:
    return OutboxMessage.objects.filter(topic=price_map.TOPIC).count()


def run_builds():
    return outbox_relay(topics=[price_map.TOPIC])


def card_prices(response) -> dict[str, str]:
    html = response.content.decode()
    return dict(
        re.findall(
            r'<div class="sku">([^<]+)</div>\s*<div class="price" data-price="([^"]+)"', html
        )
    )


def reprice(product, amount: str) -> None:
    record = StockRecord.objects.get(product=product)
    record.price = Decimal(amount)
    record.save()  # bumps the stock version


def test_no_map_yet_renders_without_the_price_facet_and_queues_one_build(
    background, shop, storefront_client
):
    page = storefront_client.get("/catalogue/")
    assert result_count(page) == 5
    groups = facet_groups(page)
    assert "price" not in groups
    assert sum(c for c, _u in groups["availability"].values()) == 5  # from SQL, no map
    assert builds() == 1
    assert run_builds().done
    page = storefront_client.get("/catalogue/")
    assert sum(c for c, _u in facet_groups(page)["price"].values()) == 5
    assert STALE not in page.content.decode()
    assert builds() == 1  # current: nothing queued


def test_a_stale_map_never_changes_a_card_price_and_is_current_after_the_build(
    background, shop, storefront_client
):
    storefront_client.get("/catalogue/")
    run_builds()
    before = storefront_client.get("/catalogue/")
    assert "0-10" in facet_groups(before)["price"] or "10-25" in facet_groups(before)["price"]
    cheap_bucket = {v: c for v, (c, _u) in facet_groups(before)["price"].items()}

    reprice(shop["Drill bits"], "3000.00")
    stale = storefront_client.get("/catalogue/")
    html = stale.content.decode()
    assert STALE in html  # the previous map's buckets, marked as such
    prices = card_prices(stale)
    assert Decimal(prices["F-2"]) > Decimal("3000")  # the card: live, new price
    assert builds() == 2

    run_builds()
    fresh = storefront_client.get("/catalogue/")
    assert STALE not in fresh.content.decode()
    assert card_prices(fresh) == prices
    buckets = {v: c for v, (c, _u) in facet_groups(fresh)["price"].items()}
    assert buckets != cheap_bucket
    assert buckets["2500-5000"] == 1
    assert sum(buckets.values()) == 5


def test_many_requests_at_one_version_queue_one_build(
    background, shop, storefront_client, monkeypatch
):
    storefront_client.get("/catalogue/")
    run_builds()
    bump_catalog_version("price")
    for url in (
        "/catalogue/",
        "/catalogue/?page=1",
        "/catalogue/?sort_by=price_asc",
        "/search/?q=drill",
    ):
        for _ in range(3):
            assert storefront_client.get(url).status_code == 200
    assert builds() == 2
    # Processes that each miss the cache mark: the outbox key still dedupes.
    real = price_map.cache

    class NoMark:
        def __getattr__(self, name):
            return getattr(real, name)

        def add(self, *args, **kwargs):
            return True

    monkeypatch.setattr(price_map, "cache", NoMark())
    for _ in range(3):
        storefront_client.get("/catalogue/?page=1")
    assert builds() == 2


def test_a_price_filter_stays_exact_with_a_stale_map(background, shop, storefront_client):
    storefront_client.get("/catalogue/")
    run_builds()
    query = {"price_min": "0", "price_max": "25"}
    assert "F-2" in cards(storefront_client.get("/catalogue/", query))
    reprice(shop["Drill bits"], "3000.00")
    assert "F-2" not in cards(storefront_client.get("/catalogue/", query))
    # A price sort with a stale map orders the page by live prices.
    page = storefront_client.get("/catalogue/", {"sort_by": "price_desc"})
    assert cards(page)[0] == "F-2"
    run_builds()
    assert "F-2" not in cards(storefront_client.get("/catalogue/", query))
    assert cards(storefront_client.get("/catalogue/", {"sort_by": "price_desc"}))[0] == "F-2"


def test_a_price_filter_without_any_map_prices_a_bounded_few_live(
    background, settings, shop, storefront_client
):
    settings.CATALOG_PRICES_INLINE_LIMIT = 0
    page = storefront_client.get("/catalogue/", {"price_min": "0", "price_max": "25"})
    assert page.status_code == 200
    assert builds() == 1


def test_a_page_rendered_with_a_stale_map_is_not_cached(background, shop, storefront_client):
    storefront_client.get("/catalogue/")
    run_builds()
    storefront_client.get("/catalogue/")
    reprice(shop["Hose reel"], "1.00")
    assert STALE in storefront_client.get("/catalogue/").content.decode()
    run_builds()
    assert STALE not in storefront_client.get("/catalogue/").content.decode()


def test_a_small_catalog_is_priced_inline_and_exact_at_once(shop, storefront_client):
    storefront_client.get("/catalogue/")
    reprice(shop["Drill bits"], "3000.00")
    page = storefront_client.get("/catalogue/")
    assert STALE not in page.content.decode()
    assert facet_groups(page)["price"]["2500-5000"][0] == 1
    assert builds() == 0


def test_a_map_evicted_before_its_pointer_is_queued_again(background, shop, storefront_client):
    from django.core.cache import cache

    storefront_client.get("/catalogue/")
    run_builds()
    slot_key = OutboxMessage.objects.get(topic=price_map.TOPIC).payload["slot"]
    cache.delete(price_map.map_keys(slot_key)[0])  # one block of it
    bump_catalog_version("category")  # a summary miss: the map is read
    page = storefront_client.get("/catalogue/")
    assert page.status_code == 200
    assert cache.get(slot_key) is None  # forgotten: no longer pointed at
    bump_catalog_version("stock")
    storefront_client.get("/catalogue/")
    assert builds() == 2
    run_builds()
    assert "price" in facet_groups(storefront_client.get("/catalogue/"))
