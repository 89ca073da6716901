"""Prices of many products at once, for facets and price sorting.

A listing shows a page of products, but its price facet and its price sort
need the viewer's price of every product it could list. ``display_prices``
loads the facts of any number of products in three queries (stock records,
price-list entries, no per-product work in SQL) and asks the engine for each
one-unit quote, exactly as the product cards do. Listings cache the result per
``audience`` (see ``catalog.facets``), so this runs once per audience and
catalog version, not per request.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from oscar.core.loading import get_model

from pricing.book import PriceBook
from pricing.engine import PriceContext

StockRecord = get_model("partner", "StockRecord")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
CHUNK = 5000


class _Record:
    """The columns of a stock record the engine reads (no model instance: 10,000 of
    those cost more than the pricing)."""

    __slots__ = ("num_allocated", "num_in_stock", "partner_id", "pk", "price", "price_currency")

    def __init__(self, pk, partner_id, price, price_currency, num_in_stock, num_allocated):
        self.pk = pk
        self.partner_id = partner_id
        self.price = price
        self.price_currency = price_currency
        self.num_in_stock = num_in_stock
        self.num_allocated = num_allocated

    @property
    def free(self) -> int:
        if self.num_in_stock is None:
            return 0
        return max(self.num_in_stock - (self.num_allocated or 0), 0)


class _Ref:
    __slots__ = ("_prefetched_objects_cache", "pk")

    def __init__(self, pk: int, records: list):
        self.pk = pk
        self._prefetched_objects_cache = {"stockrecords": records}


def audience(context: PriceContext) -> str:
    """A key shared by every context that prices alike (time and buyer left out)."""
    shared = replace(context, at=EPOCH, user_id=None, company_id=None)
    return hashlib.sha1(repr(shared).encode()).hexdigest()[:16]  # noqa: S324 - a cache key


def display_prices(context: PriceContext, product_ids) -> dict[int, tuple[Decimal | None, int]]:
    """product id -> (one-unit price as the site shows it or None, units free to sell)."""
    ids = sorted(set(product_ids))
    result: dict[int, tuple[Decimal | None, int]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        records: dict[int, list] = {pk: [] for pk in chunk}
        rows = (
            StockRecord.objects.filter(product_id__in=chunk)
            .order_by("pk")
            .values_list(
                "product_id",
                "pk",
                "partner_id",
                "price",
                "price_currency",
                "num_in_stock",
                "num_allocated",
            )
        )
        for product_id, *columns in rows:
            records[product_id].append(_Record(*columns))
        book = PriceBook(context)
        refs = [_Ref(pk, records[pk]) for pk in chunk]
        book.load(refs)
        for ref in refs:
            quote = book.quote(ref)
            free = sum(r.free for r in records[ref.pk])
            result[ref.pk] = (quote.unit_display if quote.exists else None, free)
    return result
