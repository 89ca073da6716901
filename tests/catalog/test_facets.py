"""Facets on listings and search: counts that match the results they link to,
prices in the viewer's own prices, filter state in the URL, price sorting, and a
fixed number of queries per page."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalog.versions import bump_catalog_version
from tests import factories
from tests.catalog.conftest import portal_client_for
from tests.helpers import page_queries

ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")

pytestmark = pytest.mark.django_db

COUNT = re.compile(r'id="result_count">\s*<strong>(\d+)</strong>')
FACET = re.compile(
    r'<div class="facet mb-2" data-facet="(?P<group>[^"]+)">(?P<body>.*?)</ul>', re.S
)
OPTION = re.compile(
    r'<a href="(?P<url>[^"]+)" rel="nofollow" data-value="(?P<value>[^"]*)"[^>]*>.*?</a>'
    r' <span class="text-muted facet-count">\((?P<count>\d+)\)</span>',
    re.S,
)


def result_count(response) -> int:
    assert response.status_code == 200, response.content[:300]
    return int(COUNT.search(response.content.decode()).group(1))


def facet_groups(response) -> dict[str, dict[str, tuple[int, str]]]:
    html = response.content.decode()
    groups = {}
    for match in FACET.finditer(html):
        groups[match["group"]] = {
            o["value"]: (int(o["count"]), o["url"].replace("&amp;", "&"))
            for o in OPTION.finditer(match["body"])
        }
    return groups


def cards(response) -> list[str]:
    return re.findall(r'<div class="sku">([^<]+)</div>', response.content.decode())


@pytest.fixture
def shop(db):
    tools = factories.make_category("Tools")
    garden = factories.make_category("Garden")
    colour = None
    made = {}
    specs = [
        ("Cordless drill", tools, "49.00", 5, "Red"),
        ("Hammer drill", tools, "120.00", 0, "Blue"),
        ("Drill bits", tools, "8.50", 40, "Red"),
        ("Garden drill auger", garden, "30.00", 3, None),
        ("Hose reel", garden, "60.00", 0, "Green"),
    ]
    for n, (title, category, price, stock, paint) in enumerate(specs):
        product = factories.ProductFactory(
            title=title, upc=f"F-{n}", category=category, stock=stock, stock__price=price
        )
        if colour is None:
            colour = ProductAttribute.objects.create(
                product_class=product.product_class, name="Colour", code="colour", type="text"
            )
        if paint:
            ProductAttributeValue.objects.create(
                product=product, attribute=colour, value_text=paint
            )
        made[title] = product
    return made


@pytest.mark.parametrize("url", ["/catalogue/", "/search/?q=drill"])
def test_every_facet_count_is_the_number_of_results_its_link_shows(shop, storefront_client, url):
    page = storefront_client.get(url)
    total = result_count(page)
    groups = facet_groups(page)
    assert set(groups) == {"category", "price", "availability", "attr_colour"}
    assert sum(count for count, _url in groups["availability"].values()) == total
    assert sum(count for count, _url in groups["price"].values()) == total
    for options in groups.values():
        for count, link in options.values():
            path = url.split("?")[0]
            assert result_count(storefront_client.get(path + link)) == count, link


def test_search_facets_count_the_search_results(shop, storefront_client):
    groups = facet_groups(storefront_client.get("/search/", {"q": "drill"}))
    assert {v: c for v, (c, _u) in groups["availability"].items()} == {
        "in_stock": 3,
        "out_of_stock": 1,
    }
    assert {v: c for v, (c, _u) in groups["attr_colour"].items()} == {"Red": 2, "Blue": 1}


def test_filters_combine_and_stay_in_the_url(shop, storefront_client):
    page = storefront_client.get(
        "/catalogue/", {"availability": "in_stock", "attr_colour": "Red", "sort_by": "price_asc"}
    )
    assert cards(page) == ["F-2", "F-0"]
    html = page.content.decode()
    assert '<input type="hidden" name="availability" value="in_stock">' in html
    assert '<input type="hidden" name="attr_colour" value="Red">' in html


def test_price_facets_and_sorting_use_the_viewers_own_prices(shop, storefront_client):
    gold = factories.PriceListFactory(name="Gold", code="gold")
    company = factories.business("Gold Co", price_tier=gold)
    factories.price(gold, shop["Hammer drill"], "5.00")
    portal = portal_client_for(company)

    assert cards(storefront_client.get("/catalogue/", {"sort_by": "price_asc"}))[0] == "F-2"
    assert cards(portal.get("/catalogue/", {"sort_by": "price_asc"}))[0] == "F-1"
    assert cards(portal.get("/catalogue/", {"sort_by": "price_desc"}))[-1] == "F-1"
    # Net 5.00 on the portal falls in the lowest bucket, which holds two products there.
    portal_prices = facet_groups(portal.get("/catalogue/"))["price"]
    assert portal_prices["0-10"][0] == 2
    store_prices = facet_groups(storefront_client.get("/catalogue/"))["price"]
    assert "0-10" not in store_prices  # 8.50 plus tax is over 10 on the storefront
    only_cheap = portal.get("/catalogue/", {"price_min": "0", "price_max": "10"})
    assert sorted(cards(only_cheap)) == ["F-1", "F-2"]


@pytest.mark.parametrize(
    "query",
    [{"price_min": "abc"}, {"availability": "maybe"}, {"category": "x1"}, {"price_max": "-3"}],
)
def test_a_malformed_filter_is_a_400(shop, storefront_client, query):
    assert storefront_client.get("/catalogue/", query).status_code == 400


def _uncached(client, url) -> int:
    """Queries of a GET that cannot come from the listing cache."""
    client.get(url)  # warm per-process caches
    bump_catalog_version("promotion")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


URLS = [
    "/catalogue/",
    "/catalogue/?sort_by=price_asc&availability=in_stock",
    "/search/?q=widget",
    "/search/?q=widget&attr_colour=Red&sort_by=price_desc",
]


@pytest.mark.parametrize("url", URLS)
def test_queries_per_page_do_not_grow_with_the_catalog(db, url):
    colour_class = factories.ProductClassFactory()
    colour = ProductAttribute.objects.create(
        product_class=colour_class, name="Colour", code="colour", type="text"
    )
    tools = factories.make_category("Tools")
    company = factories.business("Acme")
    clients = {
        "storefront": Client(HTTP_HOST=settings.STOREFRONT_HOST),
        "portal": portal_client_for(company),
    }

    def add(n):
        for _ in range(n):
            product = factories.ProductFactory(
                title="Widget", category=tools, stock__price=Decimal("12.00")
            )
            ProductAttributeValue.objects.create(
                product=product, attribute=colour, value_text="Red"
            )

    add(1)
    small = {name: _uncached(client, url) for name, client in clients.items()}
    add(40)
    large = {name: _uncached(client, url) for name, client in clients.items()}
    assert large == small


def test_a_cached_listing_costs_fewer_queries(shop, storefront_client):
    first, _ = page_queries(storefront_client, "/catalogue/")
    assert first <= 6  # served from the cache: session, site, versions; no catalog query
