"""Price lists as CSV: ``sku,min_quantity,unit_price,valid_from,valid_until``.

Export writes every entry of a list; importing that file back (replace mode)
gives the same list. Import is validated row by row first and applied all or
nothing (``commerce.imports``).
"""

from __future__ import annotations

import io
from array import array
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import connection
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from oscar.core.loading import get_model

from commerce.core.exports import csv_lines
from commerce.core.money import exponent
from commerce.imports.base import Importer, Plan, register

PriceList = get_model("partner", "PriceList")
PriceListEntry = get_model("partner", "PriceListEntry")
Product = get_model("catalogue", "Product")

COLUMNS = ("sku", "min_quantity", "unit_price", "valid_from", "valid_until")
LOOKUP_CHUNK = 2000
WRITE_BATCH = 20_000  # entries a batch: one COPY (or bulk insert) and one progress step
MAX_QUANTITY = 2_147_483_647
MAX_PRICE = Decimal("9999999999.99")
MODES = ("replace", "merge")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
NONE = -(2**63)  # no date, in the arrays of microseconds
COPY_SQL = (
    "COPY {table} (price_list_id, product_id, min_quantity, unit_price, valid_from, "
    "valid_until) FROM STDIN"
)


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


class Entries:
    """The entries of a checked file, compact: parallel arrays of 8-byte numbers (product
    id, minimum quantity, price in minor units, validity as microseconds since the epoch)
    instead of a tuple, a Decimal and two datetimes per entry; a million entries take
    about 40 MB."""

    __slots__ = ("end", "minimum", "places", "price", "product", "start")

    def __init__(self, places: int):
        self.places = places
        self.product, self.minimum, self.price = array("q"), array("q"), array("q")
        self.start, self.end = array("q"), array("q")

    def append(self, product_id: int, minimum: int, units: int, start: int, end: int) -> None:
        self.product.append(product_id)
        self.minimum.append(minimum)
        self.price.append(units)
        self.start.append(start)
        self.end.append(end)

    def __len__(self) -> int:
        return len(self.product)

    def batches(self, size: int) -> Iterator[list[tuple]]:
        """(product id, minimum, unit price, valid from, valid until) tuples, ``size`` at a time."""
        for first in range(0, len(self), size):
            last = first + size
            yield list(
                zip(
                    self.product[first:last],
                    self.minimum[first:last],
                    (Decimal(units).scaleb(-self.places) for units in self.price[first:last]),
                    map(_from_micros, self.start[first:last]),
                    map(_from_micros, self.end[first:last]),
                    strict=True,
                )
            )


def _micros(value: datetime | None) -> int:
    return NONE if value is None else (value - EPOCH) // MICROSECOND


def _from_micros(value: int) -> datetime | None:
    return None if value == NONE else EPOCH + timedelta(microseconds=value)


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
        """Check every row; the valid ones are kept as ``Entries`` (memory stays a few
        dozen bytes an entry at any file size)."""
        plan = Plan()
        currency = self.price_list.currency
        unit = exponent(currency)
        places = -unit.as_tuple().exponent
        # SKUs by lower-cased text (as first spelt), and each row as numbers.
        sku_index: dict[str, int] = {}
        spelt: list[str] = []
        lines = array("q")
        entries = Entries(places)
        seen: dict[int, int] = {}  # (SKU, minimum, start) packed in one int -> line
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
            if minimum > MAX_QUANTITY:
                plan.error(line, "min_quantity", f"Minimum quantity is above {MAX_QUANTITY}.")
                continue
            try:
                price = Decimal(row.get("unit_price", ""))
                if not price.is_finite() or price < 0 or price > MAX_PRICE:
                    raise InvalidOperation
                if price.as_tuple().exponent < -places and price != price.quantize(
                    unit, ROUND_HALF_UP
                ):
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
            index = sku_index.setdefault(sku.lower(), len(spelt))
            if index == len(spelt):
                spelt.append(sku)
            start_micros = _micros(start)
            key = (index << 96) | (minimum << 64) | (start_micros - NONE)
            if key in seen:
                plan.error(
                    line,
                    "sku",
                    f"Duplicate of line {seen[key]} (same SKU, minimum quantity and start).",
                )
                continue
            seen[key] = line
            lines.append(line)
            entries.append(index, minimum, int(price.scaleb(places)), start_micros, _micros(end))
        del seen

        # SKU indexes become product ids; the lines are only needed for an unknown SKU.
        ids = self._product_ids(set(spelt))
        product_of = [ids.get(sku.lower()) for sku in spelt]
        in_file = len(entries)
        if None in product_of:
            for n, index in enumerate(entries.product):
                if product_of[index] is None:
                    plan.error(lines[n], "sku", f"No product with SKU '{spelt[index]}'.")
                    in_file -= 1
        if plan.ok:
            entries.product = array("q", [product_of[index] for index in entries.product])
        else:
            entries = Entries(places)  # nothing is applied
        plan.rows = entries
        plan.errors.sort(key=lambda e: e.line)
        existing = self.price_list.entries.count()
        plan.summary = {
            "price_list": self.price_list.name,
            "mode": self.mode,
            "entries_in_file": in_file,
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
        """Write the entries a batch at a time (COPY on PostgreSQL).

        Entries are removed in bulk, without a signal per row: saving the list at the
        end bumps the cached pages' price version and retires the cached lists, which is
        all the per-entry receivers would do.
        """
        entries: Entries = plan.rows
        price_list = PriceList.objects.select_for_update().get(pk=self.price_list.pk)
        removed = 0
        if self.mode == "replace":
            removed = _delete(PriceListEntry.objects.filter(price_list=price_list))
        for batch in entries.batches(WRITE_BATCH):
            if self.mode == "merge":
                removed += self._remove_same_keys(price_list, batch)
            _insert(price_list.pk, batch)
            progress(len(batch))
        price_list.save(update_fields=["updated_at"])
        return {"entries_written": len(entries), "entries_replaced": removed}

    @staticmethod
    def _remove_same_keys(price_list, batch: list[tuple]) -> int:
        """Merge: the list's entries with a batch entry's product, minimum and start go."""
        keys = {(pid, minimum, _micros(start)) for pid, minimum, _p, start, _e in batch}
        product_ids = sorted({key[0] for key in keys})
        gone = []
        for first in range(0, len(product_ids), LOOKUP_CHUNK):
            for pk, product_id, minimum, start in PriceListEntry.objects.filter(
                price_list=price_list, product_id__in=product_ids[first : first + LOOKUP_CHUNK]
            ).values_list("pk", "product_id", "min_quantity", "valid_from"):
                if (product_id, minimum, _micros(start)) in keys:
                    gone.append(pk)
        removed = 0
        for first in range(0, len(gone), LOOKUP_CHUNK):
            removed += _delete(
                PriceListEntry.objects.filter(pk__in=gone[first : first + LOOKUP_CHUNK])
            )
        return removed


def _delete(queryset) -> int:
    """One DELETE, no rows fetched, no signal per row (see ``PriceListImporter.apply``)."""
    return queryset._raw_delete(queryset.db)


def _insert(price_list_id: int, batch: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        text = io.StringIO()
        for product_id, minimum, price, start, end in batch:
            text.write(
                f"{price_list_id}\t{product_id}\t{minimum}\t{price}\t"
                f"{_copy_when(start)}\t{_copy_when(end)}\n"
            )
        text.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(COPY_SQL.format(table=PriceListEntry._meta.db_table), text)
        return
    PriceListEntry.objects.bulk_create(
        PriceListEntry(
            price_list_id=price_list_id,
            product_id=product_id,
            min_quantity=minimum,
            unit_price=price,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        for product_id, minimum, price, valid_from, valid_until in batch
    )


def _copy_when(value: datetime | None) -> str:
    return "\\N" if value is None else value.isoformat()


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
