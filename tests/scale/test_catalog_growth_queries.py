"""Catalog pages cost the same number of queries at 5 and at 2,000 products.

The catalog is the demo catalog built with the bulk seeder (the one the growth
benchmark uses), with a tier price list holding an entry per product and
contract lists of other companies; the pages are those ``bench/growth.py``
measures, on both sites (the portal as a buyer on the tier list), each counted
uncached (the listing and product-page caches retired by a catalog change):
the same at both sizes; and cached (the same request again): well below. Both
with the listing price map priced on the request (a catalog under the inline
limit) and built in the background (``catalog.price_map``): a cold listing at
a new version, with the map's build chunked, costs the same queries at any size.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalog import price_map
from catalog.versions import bump_catalog_version
from commerce.demo.bulk import bulk_seed_catalog, fill_price_lists
from commerce.demo.catalog import upc_for
from commerce.outbox.services import outbox_relay
from tests import factories
from tests.catalog.conftest import portal_client_for

Category = get_model("catalogue", "Category")
PriceList = get_model("partner", "PriceList")
Product = get_model("catalogue", "Product")

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # bulk seeding uses COPY

SMALL, LARGE = 5, 2_000


def _counts(client, url) -> tuple[int, int]:
    """(queries uncached, queries cached) of a GET of ``url``."""
    client.get(url)  # warm per-process caches
    bump_catalog_version("promotion")
    found = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found.append(len(ctx.captured_queries))
    return found[0], found[1]


def _grow(products: int) -> int:
    bulk_seed_catalog(products)
    return fill_price_lists(3 * products, first="growth-tier")


@pytest.mark.parametrize("inline_limit", [0, LARGE], ids=["map-in-background", "map-inline"])
def test_catalog_pages_cost_the_same_queries_at_5_and_2000_products(inline_limit):
    with override_settings(CATALOG_PRICES_INLINE_LIMIT=inline_limit):
        _measure_at_both_sizes()


def _measure_at_both_sizes():
    _grow(SMALL)
    company = factories.business("Growth Co", price_tier=PriceList.objects.get(code="growth-tier"))
    clients = {
        "storefront": Client(HTTP_HOST=settings.STOREFRONT_HOST),
        "portal": portal_client_for(company),
    }
    product = Product.objects.get(upc=upc_for(0))
    word = product.title.split()[0].lower()
    category = product.categories.get()
    urls = {
        "list": "/catalogue/",
        "list, page 1 sorted by price": "/catalogue/?sort_by=price_asc",
        "category": category.get_absolute_url(),
        "search": f"/search/?q={word}",
        "product": product.get_absolute_url(),
    }

    def measure():
        return {
            (site, page): _counts(client, url)
            for site, client in clients.items()
            for page, url in urls.items()
        }

    small = measure()
    entries = _grow(LARGE)
    assert Product.objects.count() == LARGE
    assert entries == 3 * LARGE  # the tier list and two contract lists
    large = measure()

    uncached = {page: counts[0] for page, counts in small.items()}
    assert {page: counts[0] for page, counts in large.items()} == uncached
    for page, (_uncached, cached) in large.items():
        # Served from the listing or page caches: fewer than rendering it.
        assert cached < uncached[page], page


@override_settings(CATALOG_PRICES_INLINE_LIMIT=50)
def test_a_cold_listing_at_a_new_version_costs_the_same_queries_at_any_size(monkeypatch):
    """The map's build chunks (here per 100 products) in the background; the
    request after a stock change serves the previous map and queues one build."""
    from pricing import index

    monkeypatch.setattr(index, "CHUNK", 100)
    company = None
    clients = {"storefront": Client(HTTP_HOST=settings.STOREFRONT_HOST)}

    def cold() -> dict[str, int]:
        found = {}
        for name, client in clients.items():
            client.get("/catalogue/")
            assert outbox_relay(topics=[price_map.TOPIC]).dead == []
            client.get("/catalogue/")  # the map current
            bump_catalog_version("stock")
            with CaptureQueriesContext(connection) as ctx:
                response = client.get("/catalogue/")
            assert response.status_code == 200
            assert 'data-facet="price" data-stale="true"' in response.content.decode()
            found[name] = len(ctx.captured_queries)
        return found

    _grow(300)
    company = factories.business("Growth Co", price_tier=PriceList.objects.get(code="growth-tier"))
    clients["portal"] = portal_client_for(company)
    small = cold()
    _grow(LARGE)
    assert Product.objects.count() == LARGE
    assert cold() == small
