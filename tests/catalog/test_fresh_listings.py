"""Listings rendered afresh (a URL no cache has seen) reuse what does not depend on
the URL: product cards, a page's result ids, typo corrections; every catalog
change still shows on the next request."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalog import cards, search
from commerce.core import cache as core_cache
from tests import factories
from tests.catalog.conftest import portal_client_for

Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    tools = factories.make_category("Tools")
    gold = factories.PriceListFactory(name="Gold", code="gold")
    company = factories.business("Acme", price_tier=gold)
    drill = factories.ProductFactory(
        title="Cordless drill", upc="DR-18V-001", category=tools, stock__price="50.00"
    )
    saw = factories.ProductFactory(title="Saw", upc="SW-2", category=tools, stock__price="30.00")
    factories.price(gold, drill, "40.00")
    colour = ProductAttribute.objects.create(
        product_class=saw.product_class, name="Colour", code="colour", type="text"
    )
    ProductAttributeValue.objects.create(product=saw, attribute=colour, value_text="Crimson")
    return {"tools": tools, "company": company, "drill": drill, "saw": saw}


_fresh = iter(range(1, 10_000))


def fresh(url: str) -> str:
    """``url`` as no cache has seen it (the benchmark's UNCACHED rows)."""
    return f"{url}{'&' if '?' in url else '?'}u={next(_fresh)}"


def skus(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<div class="sku">([^<]+)</div>', response.content.decode())


def prices(response) -> dict[str, str]:
    html = response.content.decode()
    found = re.findall(
        r'<div class="sku">([^<]+)</div>\s*<div class="price" data-price="([^"]+)"', html
    )
    return dict(found)


@pytest.fixture
def loaded(monkeypatch):
    """The ids of every product a card was rendered for."""
    seen = []
    load = cards.load

    def spy(request, ids):
        seen.extend(ids)
        return load(request, ids)

    monkeypatch.setattr(cards, "load", spy)
    return seen


def store():
    return Client(HTTP_HOST=settings.STOREFRONT_HOST)


def test_a_fresh_listing_renders_its_cards_from_the_cache(shop, loaded):
    assert set(skus(store().get(fresh("/catalogue/")))) == {"DR-18V-001", "SW-2"}
    assert sorted(loaded) == sorted([shop["drill"].pk, shop["saw"].pk])
    loaded.clear()
    # Another page listing the same products: the cards come from the cache.
    assert skus(store().get(fresh("/search/?q=drill"))) == ["DR-18V-001"]
    assert skus(store().get(fresh(shop["tools"].get_absolute_url()))) != []
    assert loaded == []


def test_a_fresh_listing_with_its_cards_cached_loads_no_product(shop):
    store().get(fresh("/catalogue/"))
    with CaptureQueriesContext(connection) as ctx:
        response = store().get(fresh("/catalogue/"))
    assert skus(response)
    product_queries = [
        q["sql"] for q in ctx.captured_queries if 'FROM "catalogue_productimage"' in q["sql"]
    ]
    assert product_queries == []


def test_a_product_edit_shows_on_the_next_fresh_listing(shop, loaded):
    store().get(fresh("/catalogue/"))
    shop["drill"].title = "Hammer drill"
    shop["drill"].save()
    html = store().get(fresh("/catalogue/")).content.decode()
    assert "Hammer drill" in html
    # And the search's cached result ids follow it.
    assert skus(store().get(fresh("/search/?q=hammer"))) == ["DR-18V-001"]


def test_a_visibility_change_hides_a_product_from_fresh_listings_and_searches(shop):
    assert "SW-2" in skus(store().get(fresh("/search/?q=saw")))
    assert "SW-2" in skus(store().get(fresh("/catalogue/")))
    shop["saw"].visible_to_companies.add(shop["company"])
    assert "SW-2" not in skus(store().get(fresh("/search/?q=saw")))
    assert "SW-2" not in skus(store().get(fresh("/catalogue/")))
    assert "SW-2" in skus(portal_client_for(shop["company"]).get(fresh("/search/?q=saw")))


def test_audiences_never_share_cards(shop):
    assert prices(store().get(fresh("/catalogue/")))["DR-18V-001"] == "59.50"  # with tax
    portal = portal_client_for(shop["company"])
    assert prices(portal.get(fresh("/catalogue/")))["DR-18V-001"] == "40.00"  # Gold, net
    other = portal_client_for(factories.business("Plain Co"))
    assert prices(other.get(fresh("/catalogue/")))["DR-18V-001"] == "50.00"
    viewer = portal_client_for(shop["company"], role="viewer")
    assert "Add to basket" not in viewer.get(fresh("/catalogue/")).content.decode()
    assert "Add to basket" in portal.get(fresh("/catalogue/")).content.decode()


def test_a_price_change_shows_on_the_next_fresh_listing(shop):
    assert prices(store().get(fresh("/search/?q=drill")))["DR-18V-001"] == "59.50"
    record = shop["drill"].stockrecords.get()
    record.price = "60.00"
    record.save()
    assert prices(store().get(fresh("/search/?q=drill")))["DR-18V-001"] == "71.40"


def test_fresh_searches_find_by_typo_sku_prefix_and_attribute(shop):
    for _ in range(2):  # rendered afresh, then with the cached corrections and ids
        assert skus(store().get(fresh("/search/?q=drlil"))) == ["DR-18V-001"]
        assert skus(store().get(fresh("/search/?q=dr-18"))) == ["DR-18V-001"]
        assert skus(store().get(fresh("/search/?q=crimson"))) == ["SW-2"]


def test_a_new_word_in_the_vocabulary_corrects_the_next_search(shop):
    assert search.corrections("grindre") == []
    factories.ProductFactory(title="Angle grinder", upc="AG-1", category=shop["tools"])
    assert search.corrections("grindre") == ["grinder"]
    assert skus(store().get(fresh("/search/?q=grindre"))) == ["AG-1"]


def test_the_result_count_matches_the_cards(shop):
    response = store().get(fresh("/search/?q=saw"))
    assert skus(response) == ["SW-2"]
    assert re.search(r"<strong>1</strong> product", response.content.decode())


def test_a_fresh_page_reads_each_cache_key_once(shop, monkeypatch):
    """The view and the layout around it share their cache reads (``shared_reads``)."""
    from django.core.cache import caches

    if not isinstance(caches["default"], core_cache.FailSoftRedisCache):
        pytest.skip("only the Redis cache keeps reads per request")
    reads = []
    get = core_cache.FailSoftRedisCache._call

    def spy(self, method, fallback, *args, **kwargs):
        if method.__name__ == "get":
            reads.append(args[0])
        return get(self, method, fallback, *args, **kwargs)

    store().get(fresh("/catalogue/"))
    monkeypatch.setattr(core_cache.FailSoftRedisCache, "_call", spy)
    store().get(fresh("/catalogue/"))
    assert reads
    assert len(reads) == len(set(reads)), sorted(reads)


def test_a_search_another_url_ran_costs_no_product_query(shop):
    store().get(fresh("/search/?q=drill"))
    with CaptureQueriesContext(connection) as ctx:
        response = store().get(fresh("/search/?q=drill"))
    assert skus(response) == ["DR-18V-001"]
    assert [q["sql"] for q in ctx.captured_queries if "catalogue_product" in q["sql"]] == []


def test_cached_results_are_kept_apart_by_scope_filters_and_sort(shop):
    other = factories.make_category("Garden")
    hose = factories.ProductFactory(title="Garden hose", upc="GH-1", category=other)
    assert set(skus(store().get(fresh("/catalogue/")))) == {"DR-18V-001", "SW-2", "GH-1"}
    assert skus(store().get(fresh(other.get_absolute_url()))) == ["GH-1"]
    assert "GH-1" not in skus(store().get(fresh(shop["tools"].get_absolute_url())))
    assert skus(store().get(fresh("/catalogue/?attr_colour=Crimson"))) == ["SW-2"]
    assert skus(store().get(fresh(f"/catalogue/?category={other.pk}"))) == ["GH-1"]
    by_title = skus(store().get(fresh("/catalogue/?sort_by=title")))
    assert by_title == ["DR-18V-001", "GH-1", "SW-2"]
    assert skus(store().get(fresh("/search/?q=hose"))) == [hose.upc]
    assert skus(store().get(fresh("/search/?q=saw"))) == ["SW-2"]
