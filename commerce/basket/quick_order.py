"""Quick order: SKUs and quantities typed in a grid or uploaded as CSV
(``sku,quantity``). Every row is checked first; if any row has a problem,
nothing is added and each problem is reported by row."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Upper
from oscar.core.loading import get_model

from catalog.visibility import visible_products
from commerce.imports.base import XLSX_SIGNATURE, FileProblem, cell_text, xlsx_check

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


# What spreadsheet programs write: commas, semicolons (locales with a decimal
# comma) and tabs ("Unicode text"). The header line tells which one a file uses.
DELIMITERS = (",", ";", "\t")


def parse_file(data: bytes) -> list[Row]:
    """The order lines of an uploaded file: an XLSX workbook (first sheet) or a
    text file separated by commas, semicolons or tabs (detected from the header
    ``sku<sep>quantity``)."""
    if len(data) > MAX_BYTES:
        raise QuickOrderFileError(f"The file is larger than {MAX_BYTES // 1024} KB.")
    if data.startswith(XLSX_SIGNATURE):
        return _rows(xlsx_records(data))
    return parse_csv(data)


def parse_csv(data: bytes) -> list[Row]:
    if len(data) > MAX_BYTES:
        raise QuickOrderFileError(f"The file is larger than {MAX_BYTES // 1024} KB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuickOrderFileError("The file is not UTF-8 text; save it as 'CSV UTF-8'.") from exc
    if "\x00" in text:
        raise QuickOrderFileError("The file contains binary data; upload a CSV or XLSX file.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    return _rows(reader, lambda: reader.line_num)


def _delimiter(text: str) -> str:
    """The separator of the header line: the one that splits it into sku and
    quantity (a comma when none does, so the header error names the format)."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    for delimiter in DELIMITERS:
        cells = [cell.strip().strip('"').lower() for cell in first.split(delimiter)]
        if cells[:2] == ["sku", "quantity"]:
            return delimiter
    return ","


def _rows(records, line_of=None) -> list[Row]:
    """Rows from records (lists of cell text) whose first one is the header."""
    rows = []
    records = iter(records)
    line = 1
    try:
        header = next(records, None)
        if header is None:
            raise QuickOrderFileError("The file is empty.")
        normalized = [h.strip().lower() for h in header]
        if normalized[:2] != ["sku", "quantity"]:
            raise QuickOrderFileError(
                "The first line must be the header: sku,quantity "
                "(separated by a comma, a semicolon or a tab)"
            )
        for line, record in enumerate(records, start=2):
            line = line_of() if line_of else line
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise QuickOrderFileError(f"At most {MAX_ROWS} lines per quick order.")
            sku = record[0].strip() if record else ""
            quantity = record[1].strip() if len(record) > 1 else ""
            if len(record) > 2 and any(cell.strip() for cell in record[2:]):
                quantity = "\x00"  # reported as a malformed row below
            rows.append(Row(line, sku[:64], quantity[:12] if quantity != "\x00" else quantity))
    except csv.Error as exc:
        line = line_of() if line_of else line
        raise QuickOrderFileError(f"Line {line}: {exc}") from exc
    if not rows:
        raise QuickOrderFileError("The file has no order lines.")
    return rows


def _sheet_rows_check(data: bytes, max_rows: int) -> None:
    """Refuse a workbook with a sheet of more than ten times ``max_rows`` rows
    (as ``xlsx_records`` does), reading each sheet only as far as the row over.
    (Opening a sheet that does not state its size, openpyxl reads all of it,
    twice: a few dozen KB that expand to a million rows would cost seconds
    before the first row is looked at.)"""
    from defusedxml.ElementTree import ParseError, iterparse

    unreadable = "The file is not a readable XLSX workbook."
    limit = max_rows * 10
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for entry in archive.infolist():
                name = entry.filename.lower()
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                rows = 0
                with archive.open(entry) as stream:
                    for _event, element in iterparse(stream, events=("start",), forbid_dtd=True):
                        if element.tag.rpartition("}")[2] == "row":
                            rows += 1
                            if rows > limit:
                                raise QuickOrderFileError(f"At most {limit // 10} lines per file.")
    except (ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise QuickOrderFileError(unreadable) from exc


def xlsx_records(data: bytes, *, max_rows: int = MAX_ROWS) -> list[list[str]]:
    """The first sheet's rows as cell text, after the workbook passed the import
    checks (zip bomb, XML entities); gives up after ten times ``max_rows`` sheet
    rows. Raises ``QuickOrderFileError`` for a file it refuses. Shopping-list
    uploads read workbooks here too."""
    from openpyxl import load_workbook

    unreadable = "The file is not a readable XLSX workbook."
    try:
        xlsx_check(io.BytesIO(data))
        _sheet_rows_check(data, max_rows)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileProblem as exc:
        raise QuickOrderFileError(str(exc)) from exc
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise QuickOrderFileError(unreadable) from exc
    try:
        if not workbook.worksheets:
            raise QuickOrderFileError("The workbook has no sheet.")
        records = []
        sheet = workbook.worksheets[0]
        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            # A sheet can claim a million formatted rows while carrying a dozen lines.
            if n > max_rows * 10:
                raise QuickOrderFileError(f"At most {max_rows} lines per file.")
            records.append([cell_text(value) for value in values])
        return records
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise QuickOrderFileError(unreadable) from exc
    finally:
        workbook.close()


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
