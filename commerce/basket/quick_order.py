"""Quick order: SKUs and quantities typed in a grid or uploaded as CSV
(``sku,quantity``). Every row is checked first; if any row has a problem,
nothing is added and each problem is reported by row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Upper
from oscar.core.loading import get_model

from catalog.visibility import visible_products

Product = get_model("catalogue", "Product")

MAX_ROWS = 500
MAX_QUANTITY = 100_000
MAX_BYTES = 512 * 1024


class QuickOrderFileError(Exception):
    """The uploaded file as a whole cannot be read."""


@dataclass
class Row:
    line: int
    sku: str
    quantity: str


@dataclass
class RowResult:
    line: int
    sku: str
    quantity: int | None
    product: object | None = None
    error: str = ""


def parse_csv(data: bytes) -> list[Row]:
    if len(data) > MAX_BYTES:
        raise QuickOrderFileError(f"The file is larger than {MAX_BYTES // 1024} KB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuickOrderFileError("The file is not UTF-8 text; save it as 'CSV UTF-8'.") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        header = next(reader, None)
        if header is None:
            raise QuickOrderFileError("The file is empty.")
        normalized = [h.strip().lower() for h in header]
        if normalized[:2] != ["sku", "quantity"]:
            raise QuickOrderFileError("The first line must be the header: sku,quantity")
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise QuickOrderFileError(f"At most {MAX_ROWS} lines per quick order.")
            sku = record[0].strip() if record else ""
            quantity = record[1].strip() if len(record) > 1 else ""
            if len(record) > 2 and any(cell.strip() for cell in record[2:]):
                quantity = "\x00"  # reported as a malformed row below
            rows.append(Row(reader.line_num, sku, quantity))
    except csv.Error as exc:
        raise QuickOrderFileError(f"Line {reader.line_num}: {exc}") from exc
    if not rows:
        raise QuickOrderFileError("The file has no order lines.")
    return rows


def _quantity(text: str) -> tuple[int | None, str]:
    if text == "\x00":
        return None, "More values than 'sku,quantity' on this line."
    try:
        value = int(text)
    except ValueError:
        return None, f"'{text}' is not a whole number." if text else "Enter a quantity."
    if value < 1:
        return None, "The quantity must be at least 1."
    if value > MAX_QUANTITY:
        return None, f"At most {MAX_QUANTITY} per line."
    return value, ""


def check(rows: list[Row], *, basket) -> list[RowResult]:
    """Check every row against the catalogue (as far as the buyer may see it),
    prices and quantity rules."""
    wanted = {r.sku.upper() for r in rows if r.sku}
    strategy = basket.strategy
    sold_here = visible_products(
        Product.objects.browsable(), site=strategy.channel, company=strategy.company
    )
    products = {
        p.sku_upper: p
        for p in sold_here.annotate(sku_upper=Upper("upc"))
        .filter(sku_upper__in=wanted)
        .select_related("product_class")
        .prefetch_related("stockrecords")
    }
    strategy.note_visible(products.values())
    strategy.prefetch(products.values())
    results = []
    totals: dict[int, int] = {}
    for row in rows:
        quantity, problem = _quantity(row.quantity)
        result = RowResult(row.line, row.sku, quantity)
        results.append(result)
        if not row.sku:
            result.error = "Enter a SKU."
            continue
        product = products.get(row.sku.upper())
        if product is None:
            result.error = f"Unknown SKU '{row.sku}', or not sold to your account."
            continue
        result.product = product
        if problem:
            result.error = problem
            continue
        totals[product.pk] = totals.get(product.pk, 0) + quantity
    for result in results:
        if result.error or result.product is None:
            continue
        info = basket.strategy.fetch_for_product(result.product)
        if not info.price.exists:
            result.error = "This product has no price for your account."
            continue
        total = basket.product_quantity(result.product) + totals[result.product.pk]
        permitted, reason = info.availability.is_purchase_permitted(total)
        if not permitted:
            result.error = reason[0].upper() + reason[1:] if reason else "Not available."
    return results


@transaction.atomic
def add_rows(*, basket, rows: list[Row]) -> tuple[list[RowResult], bool]:
    """Add all rows or none; returns the per-row results and whether they were added."""
    results = check(rows, basket=basket)
    if any(r.error for r in results):
        return results, False
    for result in results:
        basket.add_product(result.product, result.quantity)
    return results, True
