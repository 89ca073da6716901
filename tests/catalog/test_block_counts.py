"""Listing counts kept by block of product ids (``catalog.blocks``): after a change
to one product the next counts equal a count taken product by product, and only
that product's block was counted again; a change of the rules, the categories or
a bulk bump counts every block again; a warm request counts nothing and a cold
one runs one statement for the facets and one for the menu."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from catalog import blocks, facet_counts, facets, menu, price_map, selectors, visibility
from catalog.versions import bump_catalog_version
from commerce.core import cache as core_cache
from commerce.core.cache import FailSoftRedisCache, default_cache
from commerce.members.models import Drop, Segment
from pricing.strategy import Selector
from tests import factories
from tests.catalog.test_facet_counts import _by_hand
from tests.catalog.test_facets import facet_groups

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")

pytestmark = pytest.mark.django_db

BLOCK = 3


@pytest.fixture
def catalog(world, monkeypatch):
    """The visibility world, grown to a dozen products over several blocks of
    ``BLOCK`` ids, with a second category and a text attribute."""
    monkeypatch.setattr(blocks, "BLOCK", BLOCK)
    garden = factories.make_category("Garden")
    colour = ProductAttribute.objects.create(
        product_class=world.p.open.product_class, name="Colour", code="colour", type="text"
    )
    extra = [
        factories.ProductFactory(
            title=f"Widget extra {n}", category=garden if n % 2 else world.tools, stock=5
        )
        for n in range(6)
    ]
    for n, product in enumerate([world.p.open, *extra]):
        ProductAttributeValue.objects.create(
            product=product, attribute=colour, value_text="Red" if n % 3 else "Blue"
        )
    world.garden, world.colour, world.extra = garden, colour, extra
    assert len(blocks.all_blocks()) >= 4
    return world


def _audiences(world):
    return [
        (visibility.Audience("storefront"), None),
        (visibility.Audience("portal"), world.a),
    ]


class Recounts:
    """The blocks each counting statement was asked for, by what it counted."""

    def __init__(self, monkeypatch):
        self.facets: list[list[int]] = []
        self.menu: list[list[int]] = []
        count_facets, count_menu = facet_counts._count_blocks, menu._count_blocks

        def facets_spy(queryset, hidden, stale, every):
            self.facets.append(list(stale))
            return count_facets(queryset, hidden, stale, every)

        def menu_spy(depth, stale, every, **audience):
            self.menu.append(list(stale))
            return count_menu(depth, stale, every, **audience)

        monkeypatch.setattr(facet_counts, "_count_blocks", facets_spy)
        monkeypatch.setattr(menu, "_count_blocks", menu_spy)

    def clear(self):
        self.facets.clear()
        self.menu.clear()


@pytest.fixture
def recounts(monkeypatch):
    return Recounts(monkeypatch)


def _results(site, company, query=None, prices=None):
    filters = facets.Filters.from_query(QueryDict(query or ""))
    return facets.apply(selectors.browsable_products(site=site, company=company), filters, prices)


def _facets_match(results, site, company):
    hidden = visibility.hidden_category_ids(site=site, company=company)
    counted = facet_counts.result_counts(results, hidden)
    expected = _by_hand(results, hidden)
    assert counted["count"] == expected["count"]
    assert counted["in_stock"] == expected["in_stock"]
    assert {(pk, name): n for pk, name, n in counted["categories"]} == expected["categories"]
    assert {(c, name, v): n for c, name, v, n in counted["attributes"]} == expected["attributes"]
    return counted


def _menu_by_hand(site, company) -> dict[str, int]:
    visible = set(
        visibility.visible_products(
            Product.objects.browsable(), site=site, company=company
        ).values_list("pk", flat=True)
    )
    links = ProductCategory.objects.filter(product_id__in=visible).values_list(
        "product_id", "category__path"
    )
    counts = {}
    for category in Category.objects.filter(depth__lte=menu.COUNT_DEPTH):
        counts[category.path] = len({pk for pk, path in links if path.startswith(category.path)})
    return counts


def _menu_matches(site, company):
    counted = menu._counts(2, site=site, company=company)
    expected = _menu_by_hand(site, company)
    assert {path: n for path, n in counted.items() if n} == {
        path: n for path, n in expected.items() if n
    }


def _all_match(world):
    for site, company in _audiences(world):
        _facets_match(_results(site, company), site, company)
        _menu_matches(site, company)


def _sell_out(world):
    for record in world.extra[2].stockrecords.all():
        record.num_allocated = record.num_in_stock
        record.save()
    return world.extra[2]


def _move(world):
    product = world.extra[0]  # in Tools
    ProductCategory.objects.get(product=product).delete()
    ProductCategory.objects.create(product=product, category=world.garden)
    return product


def _recolour(world):
    value = ProductAttributeValue.objects.get(product=world.extra[1], attribute=world.colour)
    value.value_text = "Green"
    value.save()
    return world.extra[1]


def _hide(world):
    product = world.extra[3]
    product.is_public = False
    product.save()
    return product


def _create(world):
    return factories.ProductFactory(title="Widget new", category=world.garden, stock=1)


def _delete(world):
    product = world.extra[4]
    pk = product.pk
    product.delete()
    product.pk = pk
    return product


def _restrict(world):
    world.extra[5].visible_to_companies.add(world.a)
    return world.extra[5]


PER_PRODUCT = {
    "move to another category": _move,
    "change an attribute value": _recolour,
    "sell the last unit": _sell_out,
    "make it non-public": _hide,
    "create a product": _create,
    "delete a product": _delete,
    "restrict its own audience": _restrict,
}


@pytest.mark.parametrize("change", list(PER_PRODUCT), ids=list(PER_PRODUCT))
def test_a_change_to_one_product_recounts_its_block_only(catalog, recounts, change):
    _all_match(catalog)  # every block counted once, for both audiences
    recounts.clear()

    product = PER_PRODUCT[change](catalog)
    _all_match(catalog)

    block = product.pk // BLOCK
    # One statement per audience for the facets and for the menu, each for one block.
    assert recounts.facets == [[block], [block]]
    assert recounts.menu == [[block], [block]]


def test_a_warm_count_counts_nothing(catalog, recounts):
    _all_match(catalog)
    recounts.clear()

    _all_match(catalog)

    assert (recounts.facets, recounts.menu) == ([], [])


class ReadKeys:
    """The project's default cache, recording every key ``commerce.core.cache``
    reads (the requests' read-ahead and ``cache_versions``)."""

    def __init__(self):
        self.keys: list[str] = []

    def get_many(self, keys):
        self.keys += list(keys)
        return default_cache().get_many(keys)

    def get(self, key, *args, **kwargs):
        self.keys.append(key)
        return default_cache().get(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(default_cache(), name)


def test_the_blocks_versions_are_read_where_counts_are_taken_not_ahead(
    catalog, storefront_client, monkeypatch
):
    """Every request reads its keys ahead, and a page served from the cache takes
    no count: what it reads does not grow with the catalog's blocks. The page
    that counts reads every block's version, and its counts are right."""
    read = ReadKeys()
    monkeypatch.setattr(core_cache, "cache", read)
    block_keys = {f"catalog:count-block:{BLOCK}:{block}" for block in blocks.all_blocks()}

    first = storefront_client.get("/catalogue/")
    assert first.status_code == 200
    assert block_keys <= set(read.keys)  # counted: every block's version asked

    read.keys.clear()
    again = storefront_client.get("/catalogue/")
    assert again.status_code == 200
    if isinstance(caches["default"], FailSoftRedisCache):  # whole pages kept in Redis
        assert not {t.name for t in again.templates}  # from the cache
        assert not [key for key in read.keys if key.startswith("catalog:count-")]
    _all_match(catalog)


def _restrict_category(world):
    world.garden.visible_to_companies.add(world.b)


def _assort(world):
    world.specials.products.add(world.extra[0])


def _drop(world):
    segment = Segment.objects.create(name="Insiders", slug="insiders")
    drop = Drop.objects.create(
        name="Drop",
        segment=segment,
        members_from=timezone.now() - timedelta(days=1),
        public_from=timezone.now() + timedelta(days=30),
    )
    drop.products.add(world.extra[1])


def _rename(world):
    world.garden.name = "Yard"
    world.garden.save()


GLOBAL = {
    "category restriction": _restrict_category,
    "assortment": _assort,
    "drop membership": _drop,
    "category rename": _rename,
    "bulk product bump": lambda world: bump_catalog_version("product"),
}


@pytest.mark.parametrize("change", list(GLOBAL), ids=list(GLOBAL))
def test_a_rule_category_or_bulk_change_recounts_every_block(catalog, recounts, change):
    _all_match(catalog)
    recounts.clear()

    GLOBAL[change](catalog)
    _all_match(catalog)

    every = blocks.all_blocks()
    assert len(recounts.facets) == len(recounts.menu) == 2
    assert all(stale == every for stale in recounts.facets + recounts.menu)


def test_a_price_change_keeps_every_block(catalog, recounts):
    _all_match(catalog)
    recounts.clear()

    bump_catalog_version("price")
    _all_match(catalog)

    assert (recounts.facets, recounts.menu) == ([], [])


def _filtered(world):
    garden_page = selectors.products_in_category(world.garden, site="storefront", company=None)
    prices = {p.pk: (Decimal("10.00"), 1) for p in world.extra[:3]}
    return {
        "category page": garden_page,
        "search": selectors.search_products("widget", site="storefront", company=None),
        "attribute filter": _results("storefront", None, "attr_colour=Red"),
        "price filter": _results(
            "storefront", None, "price_min=10&price_max=25", prices=lambda _qs: prices
        ),
    }


@pytest.mark.parametrize("listing", ["category page", "search", "attribute filter", "price filter"])
def test_filtered_counts_follow_a_change_to_one_product(catalog, recounts, listing):
    counted = _facets_match(_filtered(catalog)[listing], "storefront", None)
    assert counted["count"] > 0
    recounts.clear()

    _recolour(catalog)
    catalog.extra[1].title = "Widget renamed"
    catalog.extra[1].save()
    _sell_out(catalog)

    _facets_match(_filtered(catalog)[listing], "storefront", None)
    assert len(recounts.facets) == 1
    assert recounts.facets[0] == sorted(
        {catalog.extra[1].pk // BLOCK, catalog.extra[2].pk // BLOCK}
    )


def test_block_sums_keep_the_facet_order(catalog):
    # Blue on one product, Red on several: by count, then name, across blocks.
    counted = facet_counts.result_counts(_results("storefront", None), frozenset())

    values = [(value, n) for _code, _name, value, n in counted["attributes"]]
    assert values == sorted(values, key=lambda item: (-item[1], item[0]))
    categories = [(name, n) for _pk, name, n in counted["categories"]]
    assert categories == sorted(categories, key=lambda item: (-item[1], item[0]))
    assert Counter(dict(values)) == Counter(
        ProductAttributeValue.objects.filter(product__in=_results("storefront", None)).values_list(
            "value_text", flat=True
        )
    )


def _statements(client, path="/catalogue/") -> tuple[int, int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(path)
    assert page.status_code == 200
    sql = [q["sql"].lstrip() for q in ctx.captured_queries]
    availability = facet_groups(page).get("availability", {})
    return (
        sum(s.startswith("WITH results") for s in sql),
        sum(s.startswith("WITH links") for s in sql),
        {value: count for value, (count, _url) in availability.items()},
    )


def test_a_cold_request_counts_in_one_statement_each_and_a_warm_one_in_none(
    catalog, storefront_client
):
    bump_catalog_version("product")  # every block stale
    cold = _statements(storefront_client)
    _sell_out(catalog)  # one block stale
    edited = _statements(storefront_client)
    warm = _statements(storefront_client, "/catalogue/?sort_by=title")

    assert cold[:2] == (1, 1)
    assert edited[:2] == (1, 1)
    assert edited[2]["in_stock"] == cold[2]["in_stock"] - 1
    assert warm[:2] == (0, 0)


def test_a_variant_edit_recounts_its_parents_block_too(catalog, recounts):
    parent = factories.ProductFactory(
        title="Widget family", structure=Product.PARENT, category=catalog.tools, stock=False
    )
    for n in range(BLOCK):
        factories.ProductFactory(title=f"Widget filler {n}", category=catalog.garden)
    variant = factories.ProductFactory(
        title="Widget family, red", structure=Product.CHILD, parent=parent
    )
    assert variant.pk // BLOCK != parent.pk // BLOCK
    _all_match(catalog)
    recounts.clear()

    variant.title = "Widget family, crimson"
    variant.save()
    _all_match(catalog)

    stale = sorted({parent.pk // BLOCK, variant.pk // BLOCK})
    assert recounts.facets == [stale, stale]
    assert recounts.menu == [stale, stale]


# --- price buckets by block ------------------------------------------------------------------


class Bucketings:
    """The blocks each price-bucket count was asked for, and the blocks of the
    map read for them."""

    def __init__(self, monkeypatch):
        self.counted: list[list[int]] = []
        self.map_read: list[list[int]] = []
        counted, block_prices = blocks.counted, price_map.PriceMap.block_prices

        def counted_spy(name, count, empty, **kwargs):
            def spy(stale, every):
                if name.startswith("price-buckets:"):
                    self.counted.append(list(stale))
                return count(stale, every)

            return counted(name, spy, empty, **kwargs)

        def block_prices_spy(prices, wanted):
            wanted = list(wanted)
            self.map_read.append(wanted)
            return block_prices(prices, wanted)

        monkeypatch.setattr(blocks, "counted", counted_spy)
        monkeypatch.setattr(price_map.PriceMap, "block_prices", block_prices_spy)

    def clear(self):
        self.counted.clear()
        self.map_read.clear()


def _strategy():
    return Selector().strategy(channel="storefront", user=AnonymousUser())


def _buckets(prices) -> dict[int, int]:
    site = visibility.Audience("storefront")
    return facets.price_buckets(_results(site, None), prices)


def _live_buckets() -> dict[int, int]:
    ids = list(_results(visibility.Audience("storefront"), None).values_list("pk", flat=True))
    live = _strategy().display_prices(ids)
    return dict(Counter(facets._price_slot(p) for p, _free in live.values() if p is not None))


def _map():
    return price_map.lookup(_strategy(), site=visibility.Audience("storefront"), company=None)


def _build():
    price_map.build(_strategy(), site=visibility.Audience("storefront"), company=None)


def _set_price(product, amount):
    record = product.stockrecords.get()
    record.price = Decimal(amount)
    record.save()


@pytest.fixture
def priced(catalog, settings):
    """The catalog at prices over several buckets, its map built in the background."""
    settings.CATALOG_PRICES_INLINE_LIMIT = 0
    for n, product in enumerate([catalog.p.open, *catalog.extra]):
        _set_price(product, ("5.00", "30.00", "120.00", "700.00")[n % 4])
    _build()
    return catalog


def test_price_buckets_match_live_prices_and_count_once(priced, monkeypatch):
    bucketings = Bucketings(monkeypatch)
    assert _buckets(_map()) == _live_buckets()
    assert len(_live_buckets()) >= 4  # over several buckets
    assert bucketings.counted == [blocks.all_blocks()]

    bucketings.clear()
    assert _buckets(_map()) == _live_buckets()
    assert bucketings.counted == []  # warm: the sum is one key
    assert bucketings.map_read == []


def test_an_edit_rebuckets_its_block_once_and_the_rebuilt_map_none_when_its_prices_held(
    priced, monkeypatch
):
    _buckets(_map())
    bucketings = Bucketings(monkeypatch)
    product = priced.extra[1]
    product.title = "Widget renamed"
    product.save()
    block = product.pk // BLOCK

    stale = _map()
    assert not stale.fresh
    assert _buckets(stale) == _live_buckets()
    assert bucketings.counted == [[block]]
    assert bucketings.map_read == [[block]]  # not the whole map

    bucketings.clear()
    _build()
    fresh = _map()
    assert fresh.fresh
    assert _buckets(fresh) == _live_buckets()
    assert bucketings.counted == []  # same prices in that block: its digest held


def test_a_new_price_shows_in_the_buckets_once_the_map_is_rebuilt_counting_one_block(
    priced, monkeypatch
):
    before = _buckets(_map())
    bucketings = Bucketings(monkeypatch)
    product = priced.extra[2]
    _set_price(product, "3000.00")
    block = product.pk // BLOCK

    assert _buckets(_map()) == before  # the stale map's prices: allowed, marked stale
    assert bucketings.counted == [[block]]

    bucketings.clear()
    _build()
    assert _buckets(_map()) == _live_buckets() != before
    assert bucketings.counted == [[block]]  # its prices moved; no other block's did


def test_a_bulk_price_change_rebuckets_only_the_blocks_whose_prices_moved(priced, monkeypatch):
    from oscar.core.loading import get_model

    _buckets(_map())
    bucketings = Bucketings(monkeypatch)
    moved = priced.extra[4]
    # A bulk write (an import) touches no block: it bumps the kind it changed.
    get_model("partner", "StockRecord").objects.filter(product=moved).update(
        price=Decimal("2600.00")
    )
    bump_catalog_version("price")

    _build()
    assert _buckets(_map()) == _live_buckets()
    assert bucketings.counted == [[moved.pk // BLOCK]]


def test_a_map_block_evicted_counts_nothing_kept(priced, monkeypatch):
    from django.core.cache import cache

    slot_key = _map().slot
    for key in price_map.map_keys(slot_key):
        cache.delete(key)
    bump_catalog_version("category")
    bucketings = Bucketings(monkeypatch)
    assert _buckets(_map()) == {}  # nothing from a map that is gone
    assert cache.get(slot_key) is None  # forgotten: a build is queued on the next request
    _build()
    assert _buckets(_map()) == _live_buckets()
    assert bucketings.counted == [blocks.all_blocks(), blocks.all_blocks()]
