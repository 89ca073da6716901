"""Facet counts taken in one statement (``catalog.facet_counts``) equal a count of
the results product by product, for every audience and filter, with products
filed twice, stocked twice and with text and option attributes."""

from collections import Counter
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalog import facet_counts, facets, selectors, visibility
from catalog.versions import bump_catalog_version
from tests import factories
from tests.catalog.test_facets import facet_groups

AttributeOption = get_model("catalogue", "AttributeOption")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
Partner = get_model("partner", "Partner")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

AUDIENCES = ["consumer", "A", "B", "Gold"]


@pytest.fixture
def varied(world):
    """The visibility world plus a second category, a product filed in both, stock
    records with and without free units, and a text and an option attribute."""
    garden = factories.make_category("Garden")
    twice = factories.ProductFactory(title="Widget filed twice", category=world.tools, stock=0)
    ProductCategory.objects.create(product=twice, category=garden)
    ProductCategory.objects.create(product=world.p.secret, category=garden)
    other = Partner.objects.create(name="Second warehouse")
    # Two records, one with free units: in stock once.
    StockRecord.objects.create(
        product=twice, partner=other, partner_sku="TWICE-2", price=10, num_in_stock=3
    )
    # Two records with free units: still one product in stock.
    StockRecord.objects.create(
        product=world.p.open, partner=other, partner_sku="OPEN-2", price=10, num_in_stock=5
    )
    # Fully allocated: not in stock.
    world.p.for_a.stockrecords.update(num_in_stock=4, num_allocated=4)
    product_class = world.p.open.product_class
    colour = ProductAttribute.objects.create(
        product_class=product_class, name="Colour", code="colour", type="text"
    )
    sizes = AttributeOptionGroup.objects.create(name="Sizes")
    large = AttributeOption.objects.create(group=sizes, option="Large")
    size = ProductAttribute.objects.create(
        product_class=product_class, name="Size", code="size", type="option", option_group=sizes
    )
    for product, paint in [
        (world.p.open, "Red"),
        (twice, "Red"),
        (world.p.secret, "Blue"),
        (world.p.for_a, "Red"),
    ]:
        ProductAttributeValue.objects.create(product=product, attribute=colour, value_text=paint)
    for product in (world.p.open, world.p.secret, world.p.assorted):
        ProductAttributeValue.objects.create(product=product, attribute=size, value_option=large)
    world.garden = garden
    world.twice = twice
    return world


def _context(world, audience):
    if audience == "consumer":
        return visibility.Audience("storefront"), None
    company = {"A": world.a, "B": world.b, "Gold": world.g}[audience]
    return visibility.Audience("portal"), company


def _by_hand(queryset, hidden) -> dict:
    """The counts one product at a time, from the ORM."""
    ids = set(queryset.values_list("pk", flat=True))
    stocked = set(facet_counts.free_stock().values_list("product_id", flat=True))
    categories = Counter(
        (pc.category_id, pc.category.name)
        for pc in ProductCategory.objects.filter(product_id__in=ids).select_related("category")
        if pc.category_id not in hidden
    )
    attributes = Counter(
        (v.attribute.code, v.attribute.name, v.value_text or v.value_option.option)
        for v in ProductAttributeValue.objects.filter(
            product_id__in=ids, attribute__type__in=facet_counts.ATTRIBUTE_TYPES
        ).select_related("attribute", "value_option")
    )
    return {
        "count": len(ids),
        "in_stock": len(ids & stocked),
        "categories": dict(categories),
        "attributes": dict(attributes),
    }


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize(
    "query",
    [{}, {"availability": "in_stock"}, {"attr_colour": "Red"}, {"category": "garden"}],
    ids=["all", "in-stock", "red", "garden"],
)
def test_facet_counts_equal_the_results_counted_one_by_one(varied, audience, query):
    site, company = _context(varied, audience)
    if query.get("category") == "garden":
        query = {"category": str(varied.garden.pk)}
    filters = facets.Filters.from_query(QueryDict(urlencode(query)))
    results = facets.apply(
        selectors.browsable_products(site=site, company=company), filters, prices=None
    )
    hidden = visibility.hidden_category_ids(site=site, company=company)

    counted = facet_counts.result_counts(results, hidden)

    expected = _by_hand(results, hidden)
    assert counted["count"] == expected["count"]
    assert counted["in_stock"] == expected["in_stock"]
    assert {(pk, name): n for pk, name, n in counted["categories"]} == expected["categories"]
    assert {(c, name, v): n for c, name, v, n in counted["attributes"]} == expected["attributes"]


def test_counts_see_each_product_once_and_follow_the_audience(varied):
    consumer = facet_counts.result_counts(
        selectors.browsable_products(site="storefront", company=None),
        visibility.hidden_category_ids(site="storefront", company=None),
    )
    company_b = facet_counts.result_counts(
        selectors.browsable_products(site="portal", company=varied.b),
        visibility.hidden_category_ids(site="portal", company=varied.b),
    )

    # Storefront: open, store_only, twice (secret, for_a, for_gold, assorted restricted).
    assert consumer["count"] == 3
    assert consumer["in_stock"] == 3  # twice: one of its two records has free units
    assert [(name, n) for _pk, name, n in consumer["categories"]] == [
        ("Tools", 3),
        ("Garden", 1),
    ]
    assert [(code, value, n) for code, _name, value, n in consumer["attributes"]] == [
        ("colour", "Red", 2),
        ("size", "Large", 1),
    ]
    # Company B sees the secret product, filed in Garden too, and its restricted category.
    names = {name: n for _pk, name, n in company_b["categories"]}
    assert names == {"Tools": 3, "Garden": 2, "Secret drills": 1}


def test_an_empty_result_set_costs_no_query(varied):
    nothing = selectors.browsable_products(site="storefront", company=None).none()

    with CaptureQueriesContext(connection) as ctx:
        counted = facet_counts.result_counts(nothing, frozenset())

    assert counted == {"count": 0, "in_stock": 0, "categories": [], "attributes": []}
    assert len(ctx.captured_queries) == 0


def _counted(client) -> tuple[bool, dict]:
    """(whether the request ran the counting statement, the availability counts shown)."""
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/catalogue/")
    ran = any(q["sql"].lstrip().startswith("WITH results") for q in ctx.captured_queries)
    groups = facet_groups(page)
    return ran, {value: count for value, (count, _url) in groups["availability"].items()}


@pytest.mark.parametrize("kind", ["price", "promotion"])
def test_a_price_or_promotion_change_keeps_the_counts(varied, storefront_client, kind):
    ran_first, first = _counted(storefront_client)

    bump_catalog_version(kind)
    ran_again, again = _counted(storefront_client)

    assert (ran_first, ran_again) == (True, False)
    assert again == first


def test_a_stock_change_recounts(varied, storefront_client):
    _ran, before = _counted(storefront_client)

    for record in varied.p.open.stockrecords.all():
        record.num_in_stock = 0
        record.save()
    ran, after = _counted(storefront_client)

    assert ran
    assert (before["in_stock"], after["in_stock"]) == (3, 2)
    assert (before.get("out_of_stock", 0), after["out_of_stock"]) == (0, 1)


def test_a_restriction_change_recounts(varied, storefront_client):
    _ran, before = _counted(storefront_client)

    varied.twice.visible_to_tiers.add(varied.gold)
    ran, after = _counted(storefront_client)

    assert ran
    assert sum(before.values()) - sum(after.values()) == 1


@pytest.mark.parametrize(
    ("price", "slot"),
    [
        ("-1", 0),
        ("0", 0),
        ("9.99", 0),
        ("10", 1),
        ("10.00", 1),
        ("24.99", 1),
        ("25", 2),
        ("4999.99", 8),
        ("5000", 9),
        ("1000000", 9),
    ],
)
def test_a_price_falls_in_the_bucket_from_its_lower_edge_up_to_the_next(price, slot):
    assert facets._price_slot(Decimal(price)) == slot
