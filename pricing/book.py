"""Bulk loading of the facts the pricing engine needs.

A ``PriceBook`` belongs to one pricing context (one request, one order). It
loads, for any number of products at once, their stock records (one query)
and the entries of the context's price lists (one query), and caches them:
a page of N products costs the same queries for N = 1 or 48, and the size of
a price list does not matter (entries are fetched by (list, product) index).
A member of a segment with members' prices costs one query more per page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.db.models import Q
from oscar.core.loading import get_model

from pricing.engine import EntryFact, PriceContext, ProductFacts, Quote, quote
from pricing.fixed import FixedPrice, fixed_quote
from pricing.members import MembersPriceFact

StockRecord = get_model("partner", "StockRecord")
PriceListEntry = get_model("partner", "PriceListEntry")
MembersPrice = get_model("members", "MembersPrice")


def primary_stockrecord(records: list):
    """Where the list price comes from: the lowest partner id that has a price.

    Independent of stock, so the list price never changes because a warehouse
    ran low."""
    priced = [r for r in records if r.price is not None]
    return min(priced, key=lambda r: (r.partner_id, r.pk)) if priced else None


def fulfilling_stockrecord(records: list):
    """Where stock is taken from: the most units available, then the lowest partner id."""
    if not records:
        return None
    return max(records, key=lambda r: (r.net_stock_level, -r.partner_id, -r.pk))


class PriceBook:
    def __init__(self, context: PriceContext, fixed: dict[int, FixedPrice] | None = None):
        self.context = context
        # Agreed prices by product id (a quote): they replace the engine's rules.
        self.fixed = dict(fixed or {})
        self._records: dict[int, list] = {}
        self._entries: dict[int, tuple[EntryFact, ...]] = {}
        self._members: dict[int, tuple[MembersPriceFact, ...]] = {}

    def load(self, products: Iterable) -> None:
        """Load what pricing needs for ``products`` not loaded yet (three queries at most)."""
        products = [p for p in products if p.pk not in self._records]
        if not products:
            return
        missing = []
        for product in products:
            cache = getattr(product, "_prefetched_objects_cache", {})
            if "stockrecords" in cache:
                self._records[product.pk] = list(cache["stockrecords"])
            else:
                missing.append(product.pk)
                self._records[product.pk] = []
        if missing:
            for record in StockRecord.objects.filter(product_id__in=missing).order_by("pk"):
                self._records[record.product_id].append(record)
        self._load_entries([p.pk for p in products])
        self._load_members_prices([p.pk for p in products])

    def _load_members_prices(self, product_ids: list[int]) -> None:
        segments = self.context.member_segments
        if not segments:
            return
        rows = MembersPrice.objects.filter(
            segment_id__in=segments, product_id__in=product_ids
        ).values_list("product_id", "segment_id", "unit_price")
        grouped: dict[int, list[MembersPriceFact]] = {}
        for product_id, segment_id, price in rows:
            grouped.setdefault(product_id, []).append(MembersPriceFact(segment_id, price))
        for pk, prices in grouped.items():
            self._members[pk] = tuple(prices)

    def _load_entries(self, product_ids: list[int]) -> None:
        for pk in product_ids:
            self._entries[pk] = ()
        list_ids = [ref.id for ref in self.context.lists]
        if not list_ids:
            return
        at = self.context.at
        rows = (
            PriceListEntry.objects.filter(price_list_id__in=list_ids, product_id__in=product_ids)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=at))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))
            .values_list(
                "product_id",
                "price_list_id",
                "pk",
                "min_quantity",
                "unit_price",
                "valid_from",
                "valid_until",
            )
        )
        grouped: dict[int, list[EntryFact]] = {}
        for product_id, list_id, pk, minimum, price, start, end in rows:
            grouped.setdefault(product_id, []).append(
                EntryFact(list_id, pk, minimum, price, start, end)
            )
        for pk, entries in grouped.items():
            self._entries[pk] = tuple(entries)

    def records(self, product) -> list:
        self.load([product])
        return self._records[product.pk]

    def stockrecord(self, product):
        """The stock record a purchase is fulfilled from."""
        return fulfilling_stockrecord(self.records(product))

    def facts(self, product) -> ProductFacts:
        record = primary_stockrecord(self.records(product))
        return ProductFacts(
            product_id=product.pk,
            list_price=None if record is None else record.price,
            currency=self.context.currency if record is None else record.price_currency,
            entries=self._entries[product.pk],
            members_prices=self._members.get(product.pk, ()),
        )

    def quote(self, product, quantity: int = 1, voucher_codes=None) -> Quote:
        """The quote; an agreed fixed price (a quote) wins over every rule;
        ``voucher_codes`` (a basket's) replace the context's own."""
        fixed = self.fixed.get(product.pk)
        if fixed is not None:
            return fixed_quote(self.facts(product), quantity, self.context, fixed)
        context = self.context
        if voucher_codes is not None and frozenset(voucher_codes) != context.voucher_codes:
            context = replace(context, voucher_codes=frozenset(voucher_codes))
        return quote(self.facts(product), quantity, context)
