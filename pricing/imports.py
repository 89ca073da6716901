"""Price lists as CSV: ``sku,min_quantity,unit_price,valid_from,valid_until``.

Export writes every entry of a list; importing that file back (replace mode)
gives the same list. Import is validated row by row first and applied all or
nothing (``commerce.imports``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from oscar.core.loading import get_model

from commerce.core.exports import csv_lines
from commerce.core.money import quantize
from commerce.imports.base import Importer, Plan, register

PriceList = get_model("partner", "PriceList")
PriceListEntry = get_model("partner", "PriceListEntry")
Product = get_model("catalogue", "Product")

COLUMNS = ("sku", "min_quantity", "unit_price", "valid_from", "valid_until")
LOOKUP_CHUNK = 2000
WRITE_BATCH = 2000
MAX_PRICE = Decimal("9999999999.99")
MODES = ("replace", "merge")


def _parse_when(value: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"'{value}' is not a date-time (use 2026-01-31T00:00:00+00:00)")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _format_when(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat()


@register
class PriceListImporter(Importer):
    kind = "price_list"
    section = "pricing_dashboard"
    required_columns = ("sku", "unit_price")
    optional_columns = ("min_quantity", "valid_from", "valid_until")

    def __init__(self, *, price_list_id: int, mode: str = "replace"):
        super().__init__(price_list_id=price_list_id, mode=mode)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.price_list = PriceList.objects.get(pk=price_list_id)
        self.mode = mode

    def validate(self, data: bytes, progress) -> Plan:
        plan = Plan()
        parsed = []
        seen: dict[tuple, int] = {}
        currency = self.price_list.currency
        for line, row in self.read_rows(data):
            plan.total_rows += 1
            progress(1)
            if "__extra__" in row:
                plan.error(line, "", "More values than columns.")
                continue
            sku = row.get("sku", "")
            if not sku:
                plan.error(line, "sku", "SKU is empty.")
                continue
            try:
                minimum = int(row.get("min_quantity") or "1")
                if minimum < 1:
                    raise ValueError
            except ValueError:
                plan.error(
                    line, "min_quantity", "Minimum quantity must be a whole number of 1 or more."
                )
                continue
            try:
                price = Decimal(row.get("unit_price", ""))
                if not price.is_finite() or price < 0 or price > MAX_PRICE:
                    raise InvalidOperation
                if price != quantize(price, currency):
                    plan.error(
                        line, "unit_price", f"{price} has more decimals than {currency} allows."
                    )
                    continue
            except InvalidOperation:
                plan.error(
                    line, "unit_price", "Unit price must be a number of 0 or more, like 12.50."
                )
                continue
            try:
                start = _parse_when(row.get("valid_from", ""))
                end = _parse_when(row.get("valid_until", ""))
            except ValueError as error:
                plan.error(line, "valid_from/valid_until", str(error))
                continue
            if start and end and end <= start:
                plan.error(line, "valid_until", "valid_until must be after valid_from.")
                continue
            key = (sku.lower(), minimum, start)
            if key in seen:
                plan.error(
                    line,
                    "sku",
                    f"Duplicate of line {seen[key]} (same SKU, minimum quantity and start).",
                )
                continue
            seen[key] = line
            parsed.append((line, sku, minimum, price, start, end))

        ids = self._product_ids({sku for _, sku, *_ in parsed})
        for line, sku, minimum, price, start, end in parsed:
            product_id = ids.get(sku.lower())
            if product_id is None:
                plan.error(line, "sku", f"No product with SKU '{sku}'.")
                continue
            plan.rows.append((product_id, minimum, price, start, end))
        plan.errors.sort(key=lambda e: e.line)
        existing = self.price_list.entries.count()
        plan.summary = {
            "price_list": self.price_list.name,
            "mode": self.mode,
            "entries_in_file": len(plan.rows),
            "entries_now": existing,
            "entries_removed": existing if self.mode == "replace" else 0,
        }
        return plan

    @staticmethod
    def _product_ids(skus: set[str]) -> dict[str, int]:
        """Product ids by lower-cased SKU (UPC), in chunks so any file size is a few queries."""
        found: dict[str, int] = {}
        skus = sorted(skus)
        for start in range(0, len(skus), LOOKUP_CHUNK):
            chunk = skus[start : start + LOOKUP_CHUNK]
            for upc, pk in Product.objects.filter(upc__in=chunk).values_list("upc", "pk"):
                found[upc.lower()] = pk
            unmatched = [s.lower() for s in chunk if s.lower() not in found]
            if unmatched:  # SKUs typed in another case: match them case-insensitively
                for upc, pk in (
                    Product.objects.annotate(sku=Lower("upc"))
                    .filter(sku__in=unmatched)
                    .values_list("upc", "pk")
                ):
                    found.setdefault(upc.lower(), pk)
        return found

    def apply(self, plan: Plan, *, actor, progress) -> dict:
        price_list = PriceList.objects.select_for_update().get(pk=self.price_list.pk)
        entries = price_list.entries
        if self.mode == "replace":
            removed, _ = entries.all().delete()
        else:
            removed = 0
            keys = {(pid, minimum, start) for pid, minimum, _p, start, _e in plan.rows}
            product_ids = sorted({k[0] for k in keys})
            for start in range(0, len(product_ids), LOOKUP_CHUNK):
                for entry in entries.filter(
                    product_id__in=product_ids[start : start + LOOKUP_CHUNK]
                ):
                    if (entry.product_id, entry.min_quantity, entry.valid_from) in keys:
                        entry.delete()
                        removed += 1
        for start in range(0, len(plan.rows), WRITE_BATCH):
            batch = plan.rows[start : start + WRITE_BATCH]
            PriceListEntry.objects.bulk_create(
                PriceListEntry(
                    price_list=price_list,
                    product_id=product_id,
                    min_quantity=minimum,
                    unit_price=price,
                    valid_from=valid_from,
                    valid_until=valid_until,
                )
                for product_id, minimum, price, valid_from, valid_until in batch
            )
            progress(len(batch))
        price_list.save(update_fields=["updated_at"])
        return {"entries_written": len(plan.rows), "entries_replaced": removed}


def export_rows(price_list) -> Iterator[str]:
    """The list as CSV text, a line at a time (streams any size)."""
    return csv_lines(_export_table(price_list))


def _export_table(price_list) -> Iterator[list]:
    yield list(COLUMNS)
    rows = (
        PriceListEntry.objects.filter(price_list=price_list)
        .order_by("product__upc", "min_quantity", "valid_from", "pk")
        .values_list("product__upc", "min_quantity", "unit_price", "valid_from", "valid_until")
        .iterator(chunk_size=5000)
    )
    for upc, minimum, price, start, end in rows:
        yield [upc, minimum, f"{price:.2f}", _format_when(start), _format_when(end)]
