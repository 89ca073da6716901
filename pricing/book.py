"""Bulk loading of the facts the pricing engine needs.

A ``PriceBook`` belongs to one pricing context (one request, one order). It
loads stock records for any number of products in one query and caches them,
so a page of N products is priced in a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable

from oscar.core.loading import get_model

from pricing.engine import PriceContext, ProductFacts, Quote, quote

StockRecord = get_model("partner", "StockRecord")


def _best_stockrecord(records: list) -> object | None:
    """The record to sell from: the most stock available, then the lowest partner id."""
    if not records:
        return None
    return max(records, key=lambda r: (r.net_stock_level, -r.partner_id, -r.pk))


class PriceBook:
    def __init__(self, context: PriceContext):
        self.context = context
        self._stockrecords: dict[int, object | None] = {}

    def load(self, products: Iterable) -> None:
        """Load what pricing needs for ``products`` that are not loaded yet."""
        missing: list[int] = []
        for product in products:
            if product.pk in self._stockrecords:
                continue
            cache = getattr(product, "_prefetched_objects_cache", {})
            if "stockrecords" in cache:
                self._stockrecords[product.pk] = _best_stockrecord(list(cache["stockrecords"]))
            else:
                missing.append(product.pk)
        if missing:
            by_product: dict[int, list] = {pk: [] for pk in missing}
            for record in StockRecord.objects.filter(product_id__in=missing):
                by_product[record.product_id].append(record)
            for pk, records in by_product.items():
                self._stockrecords[pk] = _best_stockrecord(records)

    def stockrecord(self, product):
        self.load([product])
        return self._stockrecords[product.pk]

    def facts(self, product) -> ProductFacts:
        record = self.stockrecord(product)
        return ProductFacts(
            product_id=product.pk,
            list_price=None if record is None else record.price,
            currency=self.context.currency if record is None else record.price_currency,
        )

    def quote(self, product, quantity: int = 1) -> Quote:
        return quote(self.facts(product), quantity, self.context)
