"""Search over the stored search document: typos, SKU prefixes, attribute values,
category names, relevance, and a document kept current by every write path."""

import pytest
from django.db import connection
from oscar.core.loading import get_model

from catalog import search, selectors
from tests import factories

Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db):
    tools = factories.make_category("Power tools")
    garden = factories.make_category("Garden")
    drill = factories.ProductFactory(
        title="Cordless drill 18V", upc="DR-18V-001", category=tools, stock=5
    )
    hammer = factories.ProductFactory(title="Claw hammer", upc="HM-16OZ", category=tools)
    hose = factories.ProductFactory(
        title="Garden hose", upc="GH-25M", category=garden, stock=0, description="<p>Kink free</p>"
    )
    colour = ProductAttribute.objects.create(
        product_class=drill.product_class, name="Colour", code="colour", type="text"
    )
    ProductAttributeValue.objects.create(product=hammer, attribute=colour, value_text="Crimson")
    ProductAttributeValue.objects.create(product=hose, attribute=colour, value_text="Green")
    return {"drill": drill, "hammer": hammer, "hose": hose, "tools": tools, "colour": colour}


def found(query: str, *, site="storefront", company=None) -> list[str]:
    return [p.title for p in selectors.search_products(query, site=site, company=company)]


def test_a_typo_finds_the_drill(catalog):
    assert found("drlil") == ["Cordless drill 18V"]
    assert found("cordles") == ["Cordless drill 18V"]


def test_a_sku_prefix_finds_the_product(catalog):
    assert found("DR-18") == ["Cordless drill 18V"]
    assert found("hm-16") == ["Claw hammer"]
    assert found("P-GH") == ["Garden hose"]  # the partner SKU


def test_an_attribute_value_category_name_and_description_are_searched(catalog):
    assert found("crimson") == ["Claw hammer"]
    assert found("power tools") == ["Claw hammer", "Cordless drill 18V"]
    assert found("kink") == ["Garden hose"]


def test_title_hits_rank_above_description_hits(catalog):
    factories.ProductFactory(title="Bucket", description="Holds a garden hose and more")
    assert found("hose")[0] == "Garden hose"


def test_nothing_matches_nonsense_or_an_empty_query(catalog):
    assert found("zzqxv") == []
    assert found("   ") == []
    assert found("%_") == []


def test_the_document_follows_every_write(catalog):
    hammer = catalog["hammer"]
    hammer.title = "Framing hammer"
    hammer.save()
    assert found("framing") == ["Framing hammer"]
    value = ProductAttributeValue.objects.get(product=hammer)
    value.value_text = "Scarlet"
    value.save()
    assert found("scarlet") == ["Framing hammer"]
    assert found("crimson") == []
    catalog["tools"].name = "Workshop"
    catalog["tools"].save()
    assert set(found("workshop")) == {"Framing hammer", "Cordless drill 18V"}
    record = StockRecord.objects.get(product=hammer)
    record.partner_sku = "NEW-777"
    record.save()
    assert found("new-77") == ["Framing hammer"]


def test_deferred_rebuilds_once_at_the_end(catalog):
    with search.deferred() as pending:
        catalog["hose"].title = "Soaker hose"
        catalog["hose"].save()
        assert found("soaker") == []  # not yet
        assert pending == {catalog["hose"].pk}
    assert found("soaker") == ["Soaker hose"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_the_document_is_indexed_on_postgresql(catalog):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'catalogue_product'"
            " AND indexname LIKE 'product_search%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
    assert names == {
        "product_search_vector",
        "product_search_text_trgm",
        "product_search_skus_trgm",
    }
