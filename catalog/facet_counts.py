"""The counts behind a listing's facets, taken in one statement over the results.

A listing's results are a visibility-filtered scan of the product table (see
``catalog.visibility``); each facet group grouped over its own copy of that
scan, and the total and the price buckets read every result id into Python, so
a cold summary at 100,000 products scanned the catalog five times. Here the
results are evaluated once, as a common table expression, and every count is
taken from it in the same statement:

    total       the results
    in stock    results with units free to sell in a stock record
    categories  results per category they are filed in (hidden categories left out)
    attributes  results per text/option attribute value

The counts are kept by block of product ids (``catalog.blocks``): each block's
counts are cached under the results' SQL, the count epoch and the block's own
version, so after one product's edit only its block is counted again (the
results restricted to the stale blocks' id ranges, grouped by block, in one
statement), and the blocks' counts are added up. A price or promotion change
retires the listings and their price buckets but not these counts (only the
``COUNTED_KINDS`` bump the epoch), so the first request after it costs no scan
of the catalog. A price filter's results are in the SQL as the ids it kept, so
what prices select is part of the key.

Each group counts rows, not distinct products: a product is filed once per
category (unique product/category) and has one value per attribute (unique
attribute/product), so a row is a product. Rows are grouped in a hash, with no
sort of the results; the order the facets show is taken after the sum.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from oscar.core.loading import get_model

from catalog import blocks
from catalog.versions import COUNTED_KINDS

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
AttributeOption = get_model("catalogue", "AttributeOption")
StockRecord = get_model("partner", "StockRecord")

ATTRIBUTE_TYPES = ("text", "option")
TOTAL, IN_STOCK, CATEGORY, ATTRIBUTE = "total", "in_stock", "category", "attribute"
__all__ = ["COUNTED_KINDS", "free_stock", "result_counts"]


def free_stock() -> QuerySet:
    """Stock records with units free to sell (the availability facet's "in stock")."""
    return StockRecord.objects.filter(
        num_in_stock__isnull=False, num_in_stock__gt=Coalesce(F("num_allocated"), 0)
    )


def _table(model) -> str:
    return model._meta.db_table


def _statement(results_sql: str, stocked_sql: str, hidden: list[int], scoped=("", "")) -> str:
    """``scoped``: the id ranges of the stale blocks, on the category filings and
    on the attribute values (they are joined by index, not read whole)."""
    pc_scope, v_scope = scoped
    hidden_clause = (
        f"WHERE pc.category_id NOT IN ({', '.join(['%s'] * len(hidden))})" if hidden else ""
    )
    types = ", ".join(["%s"] * len(ATTRIBUTE_TYPES))
    block = blocks.block_of("results.id")
    # Table names from the models, SQL compiled by the ORM; every value is a parameter.
    return f"""
WITH results(id) AS ({results_sql})
SELECT '{TOTAL}', {block}, CAST(NULL AS BIGINT), NULL, NULL, NULL, CAST(NULL AS BIGINT),
       NULL, COUNT(*) FROM results
 GROUP BY {block}
UNION ALL
SELECT '{IN_STOCK}', {block}, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*) FROM results
 WHERE results.id IN ({stocked_sql})
 GROUP BY {block}
UNION ALL
SELECT '{CATEGORY}', {block}, pc.category_id, c.name, NULL, NULL, NULL, NULL, COUNT(*)
  FROM results
  JOIN {_table(ProductCategory)} pc ON pc.product_id = results.id{pc_scope}
  JOIN {_table(Category)} c ON c.id = pc.category_id
 {hidden_clause}
 GROUP BY {block}, pc.category_id, c.name
UNION ALL
SELECT '{ATTRIBUTE}', g.block, g.attribute_id, a.name, a.code, g.value_text, g.value_option_id,
       o.option, g.n
  FROM (SELECT {block} AS block, v.attribute_id, v.value_text, v.value_option_id, COUNT(*) AS n
          FROM results
          JOIN {_table(ProductAttributeValue)} v ON v.product_id = results.id{v_scope}
         WHERE v.attribute_id IN (SELECT id FROM {_table(ProductAttribute)} WHERE type IN ({types}))
         GROUP BY {block}, v.attribute_id, v.value_text, v.value_option_id) AS g
  JOIN {_table(ProductAttribute)} a ON a.id = g.attribute_id
  LEFT JOIN {_table(AttributeOption)} o ON o.id = g.value_option_id
"""  # noqa: S608


def _empty_block() -> dict:
    return {"count": 0, "in_stock": 0, "categories": {}, "attributes": {}}


def _count_blocks(queryset: QuerySet, hidden: list[int], stale: list[int], every: bool) -> dict:
    """{block: its counts} over the results of ``queryset`` in the ``stale`` blocks
    (one statement; ``every``: all blocks, no id range)."""
    results, stocked = queryset.order_by(), free_stock()
    pc_scope = v_scope = ("", [])
    if not every:
        results = results.filter(blocks.in_blocks(stale))
        stocked = stocked.filter(blocks.in_blocks(stale, "product_id"))
        pc_scope = blocks.in_blocks_sql("pc.product_id", stale)
        v_scope = blocks.in_blocks_sql("v.product_id", stale)
    try:
        results_sql, results_params = results.values("pk").query.sql_with_params()
    except EmptyResultSet:
        return {}
    stocked_sql, stocked_params = stocked.values("product_id").query.sql_with_params()
    params = [
        *results_params,
        *stocked_params,
        *pc_scope[1],
        *hidden,
        *v_scope[1],
        *ATTRIBUTE_TYPES,
    ]
    statement = _statement(results_sql, stocked_sql, hidden, (pc_scope[0], v_scope[0]))
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    found: dict[int, dict] = {}
    for kind, block, pk, name, code, text, option_id, option, n in rows:
        counts = found.setdefault(block, _empty_block())
        if kind == TOTAL:
            counts["count"] = n
        elif kind == IN_STOCK:
            counts["in_stock"] = n
        elif kind == CATEGORY:
            counts["categories"][pk] = (name, n)
        else:
            counts["attributes"][(pk, text, option_id)] = (code, name, text or option, n)
    return found


def _sum(counted: list[dict]) -> dict:
    """The counts of the blocks added up, each group in the order the facets show
    (names compared by code point, as the database's C collation does)."""
    total = in_stock = 0
    categories: dict[int, list] = {}
    attributes: dict[tuple, list] = {}
    for counts in counted:
        total += counts["count"]
        in_stock += counts["in_stock"]
        for pk, (name, n) in counts["categories"].items():
            categories.setdefault(pk, [name, 0])[1] += n
        for group, (code, name, value, n) in counts["attributes"].items():
            attributes.setdefault(group, [code, name, value, 0])[3] += n

    def attribute_order(item):
        (_attribute, text, _option_id), (_code, name, value, n) = item
        option = None if text is not None else value
        return (name, -n, text is None, text or "", option is None, option or "")

    return {
        "count": total,
        "in_stock": in_stock,
        "categories": [
            (pk, name, n)
            for pk, (name, n) in sorted(
                categories.items(), key=lambda item: (-item[1][1], item[1][0], item[0])
            )
        ],
        "attributes": [
            (code, name, value, n)
            for _group, (code, name, value, n) in sorted(attributes.items(), key=attribute_order)
        ],
    }


def results_digest(queryset: QuerySet) -> str | None:
    """A digest of the SQL of ``queryset``'s results (ids, no ordering): what the
    counts over them are cached under; None for results empty by construction
    (``.none()``), which need no count."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return hashlib.sha1(f"{sql}|{params!r}".encode()).hexdigest()  # noqa: S324 - a cache key


def result_counts(queryset: QuerySet, hidden_categories, *, results: str | None = None) -> dict:
    """{count, in_stock, categories: [(id, name, n)], attributes: [(code, name,
    value, n)]} over the results of ``queryset`` (``results``: their
    ``results_digest`` if taken already): each block of product ids counted
    once per version (``catalog.blocks``), the stale ones in one statement; no
    query for results that are empty by construction."""
    results = results or results_digest(queryset)
    if results is None:
        return {"count": 0, "in_stock": 0, "categories": [], "attributes": []}
    hidden = sorted(hidden_categories)
    return blocks.summed(
        f"facets:{results}:{_digest(repr(hidden), get_language() or '')}",
        lambda stale, every: _count_blocks(queryset, hidden, stale, every),
        _empty_block(),
        _sum,
    )


def _digest(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]  # noqa: S324 - a cache key
