"""The demo catalog in bulk, for benchmark-sized data (PostgreSQL only).

``bulk_seed_catalog(100_000)`` creates the same products as
``commerce.demo.catalog.seed_catalog`` (same UPCs, titles, categories, prices,
stock and specifications, from ``product_spec``/``spec_values``), but with a
handful of statements instead of five per thousand products: the specs are
computed in Python and streamed with one COPY into a temporary table, and
products, category links, stock records and attribute values are each one
``INSERT ... SELECT`` from it. Search documents are then built with
``catalog.search.reindex`` (the slow part; see ``progress``).

``fill_price_lists(entries)`` brings the price-list entries up to ``entries``
with one ``INSERT ... SELECT`` per list. Both are idempotent: run again, they
add only what is missing. No images (products show the placeholder).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from catalog import pagination, search, versions
from commerce.demo import catalog as demo

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
PriceList = get_model("partner", "PriceList")

STAGE_COLUMNS = (
    "upc",
    "title",
    "slug",
    "description",
    "priority",
    "category_id",
    "price",
    "stock_0",
    "stock_1",
    "brand",
    "weight",
    "warranty",
    "origin",
)


def _stage_rows(indexes: list[int], category_ids: dict[str, int]):
    for index in indexes:
        spec = demo.product_spec(index)
        values = demo.spec_values(index)
        yield (
            spec["upc"],
            spec["title"],
            slugify(spec["title"])[:128],
            f"{spec['title']}. Trade quality for {spec['top'].lower()}.",
            spec["priority"],
            category_ids[spec["leaf"]],
            spec["price"],
            spec["stock"][0],
            spec["stock"][1],
            values["brand"],
            values["weight"],
            values["warranty"],
            values["origin"],
        )


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    buffer.seek(0)
    # psycopg2's raw cursor under Django's wrapper.
    cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH CSV", buffer)


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise RuntimeError("bulk seeding needs PostgreSQL (COPY); use seed_catalog instead")


def bulk_seed_catalog(count: int, *, progress: Callable[[str], None] = lambda s: None) -> int:
    """Create demo products 0..count-1 that do not exist yet, in bulk; returns how
    many were created. Their search documents are built before it returns."""
    _require_postgres()
    demo.ensure_missing_image()
    leaves = demo.ensure_categories()
    partners = demo.ensure_partners()
    product_class, _ = ProductClass.objects.get_or_create(
        slug="standard",
        defaults={"name": "Standard", "track_stock": True, "requires_shipping": True},
    )
    attributes = demo.ensure_attributes(product_class)
    existing = set(
        Product.objects.filter(upc__startswith=demo.UPC_PREFIX).values_list("upc", flat=True)
    )
    missing = [i for i in range(count) if demo.upc_for(i) not in existing]
    if not missing:
        build_search_documents(progress)  # those an interrupted run left without
        return 0
    started = time.monotonic()
    category_ids = {name: category.pk for name, category in leaves.items()}
    currency = settings.OSCAR_DEFAULT_CURRENCY
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE demo_bulk_stage (upc varchar(64) PRIMARY KEY, title text,"
            " slug text, description text, priority smallint, category_id bigint,"
            " price numeric(12, 2), stock_0 integer, stock_1 integer, brand text,"
            " weight integer, warranty integer, origin text) ON COMMIT DROP"
        )
        _copy(cursor, "demo_bulk_stage", STAGE_COLUMNS, _stage_rows(missing, category_ids))
        progress(f"{len(missing):,} product specs staged in {time.monotonic() - started:.0f} s")
        cursor.execute(
            """
            INSERT INTO catalogue_product (structure, upc, title, slug, description,
                date_created, date_updated, is_discountable, product_class_id, is_public,
                priority, min_order_quantity, order_multiple, channels, search_skus,
                search_text)
            SELECT %s, s.upc, s.title, s.slug, s.description, now(), now(), true, %s, true,
                s.priority, 1, 1, %s, '', ''
            FROM demo_bulk_stage s ORDER BY s.upc
            """,
            [Product.STANDALONE, product_class.pk, Product._meta.get_field("channels").default],
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE demo_bulk_ids ON COMMIT DROP AS"
            " SELECT p.id AS product_id, s.* FROM demo_bulk_stage s"
            " JOIN catalogue_product p ON p.upc = s.upc"
        )
        cursor.execute(
            "INSERT INTO catalogue_productcategory (product_id, category_id)"
            " SELECT product_id, category_id FROM demo_bulk_ids ORDER BY product_id"
        )
        for n, partner in enumerate(partners):
            cursor.execute(
                f"""
                INSERT INTO partner_stockrecord (product_id, partner_id, partner_sku,
                    price_currency, price, num_in_stock, low_stock_threshold, date_created,
                    date_updated)
                SELECT product_id, %s, %s || upc, %s, price, stock_{n}, 5, now(), now()
                FROM demo_bulk_ids ORDER BY product_id
                """,  # noqa: S608 - n is our own loop index
                [partner.pk, f"{partner.code.upper()}-", currency],
            )
        for code, _name, kind in demo.ATTRIBUTES:
            column = "value_text" if kind == "text" else "value_integer"
            # Column and attribute names are ours, the id a parameter.
            statement = (
                "INSERT INTO catalogue_productattributevalue (product_id, attribute_id, "  # noqa: S608
                f"{column}) SELECT product_id, %s, {code} FROM demo_bulk_ids ORDER BY product_id"
            )
            cursor.execute(statement, [attributes[code].pk])
        created = len(missing)
        # ON COMMIT DROP waits for the outermost transaction (a test's, say): drop now.
        cursor.execute("DROP TABLE demo_bulk_ids, demo_bulk_stage")
    progress(
        f"{created:,} products with links, stock and specs in {time.monotonic() - started:.0f} s"
    )
    build_search_documents(progress)
    _retire_cached_pages()
    return created


def build_search_documents(progress: Callable[[str], None] = lambda s: None) -> int:
    """Search documents for the demo products that have none (``catalog.search.reindex``)."""
    ids = list(
        Product.objects.filter(upc__startswith=demo.UPC_PREFIX, search_vector__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    analyze()  # fresh statistics, or the document queries scan whole tables per chunk
    started = time.monotonic()
    step = 10_000
    for start in range(0, len(ids), step):
        search.reindex(ids[start : start + step])
        progress(f"search documents: {min(start + step, len(ids)):,} of {len(ids):,}")
    progress(f"search documents of {len(ids):,} products in {time.monotonic() - started:.0f} s")
    analyze()
    return len(ids)


def fill_price_lists(
    entries: int,
    *,
    first: str = "bench-pages-tier",
    progress: Callable[[str], None] = lambda s: None,
) -> int:
    """Price-list entries up to ``entries`` in all (never removes any): the tier list
    ``first`` gets one per product, contract lists of bench companies (created here)
    the rest, one statement per list. Returns the number of entries afterwards."""
    _require_postgres()
    from accounts.models import Company

    PriceListEntry = get_model("partner", "PriceListEntry")
    started = time.monotonic()
    products = Product.objects.filter(parent__isnull=True).count()
    if not products:
        return PriceListEntry.objects.count()
    tier, _ = PriceList.objects.get_or_create(
        code=first, defaults={"name": "Bench Silver", "kind": PriceList.Kind.TIER}
    )
    lists = [tier]
    for n in range(1, -(-entries // products)):
        company, _ = Company.objects.get_or_create(
            name=f"Bench Contract Co {n}",
            defaults={"status": Company.Status.ACTIVE, "tax_id": f"BENCH-C{n}"},
        )
        price_list, _ = PriceList.objects.get_or_create(
            code=f"bench-contract-{n}",
            defaults={
                "name": f"Bench contract {n}",
                "kind": PriceList.Kind.CONTRACT,
                "company": company,
            },
        )
        lists.append(price_list)
    left = entries
    for price_list in lists:
        want = min(products, left)
        left -= want
        have = price_list.entries.count()
        if have >= want:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            # Every product without an entry in the list yet, in id order; the
            # price a deterministic 5.00-94.90 from the id.
            cursor.execute(
                """
                INSERT INTO partner_pricelistentry (price_list_id, product_id, min_quantity,
                    unit_price)
                SELECT %s, p.id, 1, round((5 + (p.id %% 900) / 10.0)::numeric, 2)
                FROM catalogue_product p
                WHERE p.parent_id IS NULL AND NOT EXISTS (
                    SELECT 1 FROM partner_pricelistentry e
                    WHERE e.price_list_id = %s AND e.product_id = p.id
                )
                ORDER BY p.id
                LIMIT %s
                """,
                [price_list.pk, price_list.pk, want - have],
            )
    total = PriceListEntry.objects.count()
    analyze()
    _retire_cached_pages()
    progress(
        f"price lists: {total:,} entries in {len(lists)} lists, {time.monotonic() - started:.0f} s"
    )
    return total


def _retire_cached_pages() -> None:
    """Bulk SQL bypasses the model signals: retire cached counts, listings and prices."""
    pagination.bump_catalog_version()
    for kind in ("product", "stock", "price"):
        versions.bump_catalog_version(kind)


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
