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

The counts are cached under the results' SQL and the versions of the kinds of
change that can alter them (``COUNTED_KINDS``): a price or promotion change
retires the listings and their price buckets but not these counts, so the
first request after it costs no scan of the catalog. A price filter's results
are in the SQL as the ids it kept, so what prices select is part of the key.

Each group counts rows, not distinct products: a product is filed once per
category (unique product/category) and has one value per attribute (unique
attribute/product), so a row is a product. Rows are grouped in a hash, with no
sort of the results; the order (a window position per group) is the one the
facets show.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from oscar.core.loading import get_model

from catalog.versions import KINDS, catalog_versions

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
AttributeOption = get_model("catalogue", "AttributeOption")
StockRecord = get_model("partner", "StockRecord")

ATTRIBUTE_TYPES = ("text", "option")
TOTAL, IN_STOCK, CATEGORY, ATTRIBUTE = "total", "in_stock", "category", "attribute"
# Prices and promotions change no count: products, stock (availability),
# visibility and categories (names, restrictions) do.
COUNTED_KINDS = tuple(kind for kind in KINDS if kind not in ("price", "promotion"))
TIMEOUT = 10 * 60


def free_stock() -> QuerySet:
    """Stock records with units free to sell (the availability facet's "in stock")."""
    return StockRecord.objects.filter(
        num_in_stock__isnull=False, num_in_stock__gt=Coalesce(F("num_allocated"), 0)
    )


def _table(model) -> str:
    return model._meta.db_table


def _statement(results_sql: str, stocked_sql: str, hidden: list[int]) -> str:
    hidden_clause = (
        f"WHERE pc.category_id NOT IN ({', '.join(['%s'] * len(hidden))})" if hidden else ""
    )
    types = ", ".join(["%s"] * len(ATTRIBUTE_TYPES))
    # Table names from the models, SQL compiled by the ORM; every value is a parameter.
    return f"""
WITH results(id) AS ({results_sql})
SELECT '{TOTAL}', NULL, NULL, NULL, NULL, COUNT(*), 0 FROM results
UNION ALL
SELECT '{IN_STOCK}', NULL, NULL, NULL, NULL, COUNT(*), 0 FROM results
 WHERE results.id IN ({stocked_sql})
UNION ALL
SELECT '{CATEGORY}', CAST(pc.category_id AS TEXT), c.name, NULL, NULL, COUNT(*),
       ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, c.name)
  FROM results
  JOIN {_table(ProductCategory)} pc ON pc.product_id = results.id
  JOIN {_table(Category)} c ON c.id = pc.category_id
 {hidden_clause}
 GROUP BY pc.category_id, c.name
UNION ALL
SELECT '{ATTRIBUTE}', a.code, a.name, g.value_text, o.option, g.n,
       ROW_NUMBER() OVER (ORDER BY a.name, g.n DESC, g.value_text, o.option)
  FROM (SELECT v.attribute_id, v.value_text, v.value_option_id, COUNT(*) AS n
          FROM results
          JOIN {_table(ProductAttributeValue)} v ON v.product_id = results.id
         WHERE v.attribute_id IN (SELECT id FROM {_table(ProductAttribute)} WHERE type IN ({types}))
         GROUP BY v.attribute_id, v.value_text, v.value_option_id) AS g
  JOIN {_table(ProductAttribute)} a ON a.id = g.attribute_id
  LEFT JOIN {_table(AttributeOption)} o ON o.id = g.value_option_id
"""  # noqa: S608


def result_counts(queryset: QuerySet, hidden_categories) -> dict:
    """{count, in_stock, categories: [(id, name, n)], attributes: [(code, name,
    value, n)]} over the results of ``queryset`` (one query on a miss; none for
    results that are empty by construction)."""
    empty = {"count": 0, "in_stock": 0, "categories": [], "attributes": []}
    try:
        results_sql, results_params = queryset.order_by().values("pk").query.sql_with_params()
        stocked_sql, stocked_params = free_stock().values("product_id").query.sql_with_params()
    except EmptyResultSet:
        return empty
    hidden = sorted(hidden_categories)
    params = [*results_params, *stocked_params, *hidden, *ATTRIBUTE_TYPES]
    digest = hashlib.sha1(  # noqa: S324 - a cache key, not a security boundary
        "|".join([results_sql, repr(params), get_language() or ""]).encode()
    ).hexdigest()
    key = f"catalog:facet-counts:{catalog_versions(COUNTED_KINDS)}:{digest}"
    found = cache.get(key)
    if found is not None:
        return found
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(_statement(results_sql, stocked_sql, hidden), params)
        rows = cursor.fetchall()
    found = dict(empty, categories=[], attributes=[])
    categories, attributes = [], []
    for kind, group, name, text, option, n, position in rows:
        if kind == TOTAL:
            found["count"] = n
        elif kind == IN_STOCK:
            found["in_stock"] = n
        elif kind == CATEGORY:
            categories.append((position, (int(group), name, n)))
        else:
            attributes.append((position, (group, name, text or option, n)))
    found["categories"] = [row for _position, row in sorted(categories)]
    found["attributes"] = [row for _position, row in sorted(attributes)]
    cache.set(key, found, TIMEOUT)
    return found
