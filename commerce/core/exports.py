"""The one way the project writes spreadsheets (CSV and XLSX) for people to open.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel and LibreOffice (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``); such a cell is written with a leading single quote,
which spreadsheets read as "this is text" (OWASP's advice against CSV
injection). A cell that already starts with a quote gets one more, so the
import side (``text_restore``) undoes it exactly: export -> import gives back
the same values. Numbers stay numbers: ``Decimal("-12.50")``, ``-3`` and a
plain numeric string like ``"-12.50"`` are written as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def cell_neutralize(value):
    """``value`` safe to put in a spreadsheet cell (only strings ever change)."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(QUOTE):
        return QUOTE + value
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def text_restore(value: str) -> str:
    """The value ``cell_neutralize`` was given: one leading quote is dropped."""
    return value[1:] if value.startswith(QUOTE) else value


def row_neutralize(cells: Iterable) -> list:
    return [cell_neutralize(cell) for cell in cells]


class CsvWriter:
    """``csv.writer`` over ``target`` (a file or an ``HttpResponse``) whose rows
    are neutralised."""

    def __init__(self, target, **options):
        self._writer = csv.writer(target, **options)

    def writerow(self, cells: Iterable) -> None:
        self._writer.writerow(row_neutralize(cells))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for cells in rows:
            self.writerow(cells)


def csv_lines(rows: Iterable[Iterable], **options) -> Iterator[str]:
    """Rows as CSV text, one line at a time (for streaming responses of any size)."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer, lineterminator="\n", **options)
    for cells in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        yield buffer.getvalue()


def xlsx_write(target, rows: Iterable[Iterable], *, sheet_title: str) -> None:
    """Rows as an XLSX workbook of one sheet written to ``target`` (a path or binary file).

    Neutralised text never becomes a formula: openpyxl stores any string that
    starts with ``=`` as one, and no neutralised string does.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for cells in rows:
        sheet.append(row_neutralize(cells))
    workbook.save(target)
