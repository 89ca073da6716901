"""The importer contract and the CSV reading every importer shares.

An ``Importer`` turns a file into a plan (``validate``) without touching the
data, then applies a valid plan in one transaction (``apply``). Errors are
reported per row and column; a file with any error applies nothing.

An XLSX workbook is read as if its first sheet were the CSV file (line numbers
are sheet row numbers), so every importer takes both. A workbook is opened
only after its zip directory passed ``xlsx_check`` (entry count, uncompressed
size, no XML document type declarations), so a zip bomb or an entity bomb is
refused without being expanded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings

from commerce.core.exports import QUOTE
from commerce.core.uploads import UploadTooLarge, too_large_message, upload_size_check

MAX_ERRORS_KEPT = 1000


@dataclass
class RowError:
    line: int  # 1-based line in the file (the header is line 1)
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class Plan:
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0
    summary: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))


class RowsRefused(Exception):
    """Rows that became invalid while applying (the data changed since the
    dry run): nothing is applied, the job shows them like validation errors."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(f"line {e.line}: {e.message}" for e in errors[:5]))


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""


class FileRefused(FileProblem):
    """The file is refused outright (too large, a zip or XML bomb): the job fails and
    the file is deleted."""


Progress = Callable[[int], None]


class Importer:
    kind: str = ""
    # The dashboard section (``accounts.staff_policy.SECTIONS``) whose staff may
    # run this import and download its files.
    section: str = ""
    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()
    # Families of columns named by data, e.g. "attr:" for "attr:weight".
    column_prefixes: tuple[str, ...] = ()
    header: list[str] = []

    def __init__(self, **params):
        self.params = params

    def validate(self, data: bytes, progress: Progress) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, *, actor, progress: Progress) -> dict:
        raise NotImplementedError

    def check_header(self, header: list[str]) -> None:
        """Raise ``FileProblem`` for columns the data does not know (e.g. "attr:" codes)."""

    # Shared CSV handling

    def read_rows(self, data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (line number, row) after checking encoding and header."""
        if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise FileRefused(too_large_message(settings.IMPORT_MAX_UPLOAD_BYTES))
        if data.startswith(XLSX_SIGNATURE):
            data = xlsx_as_csv(data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileProblem(
                f"The file is not UTF-8 text (byte {exc.start} cannot be read). "
                "Save it as 'CSV UTF-8' and upload it again."
            ) from exc
        if "\x00" in text:
            raise FileProblem("The file contains binary data; upload a CSV text file.")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if not header:
            raise FileProblem("The file is empty.")
        missing = [c for c in self.required_columns if c not in header]
        if missing:
            raise FileProblem(
                "Missing column(s): "
                + ", ".join(missing)
                + ". Expected: "
                + ", ".join(self.required_columns + self.optional_columns)
            )
        known = self.required_columns + self.optional_columns
        unknown = [h for h in header if h not in known and not h.startswith(self.column_prefixes)]
        if unknown:
            raise FileProblem("Unknown column(s): " + ", ".join(unknown))
        duplicated = {h for h in header if header.count(h) > 1}
        if duplicated:
            raise FileProblem("Repeated column(s): " + ", ".join(sorted(duplicated)))
        reader.fieldnames = header
        self.header = header
        self.check_header(header)
        # The rows from the plain reader under the DictReader (one dict a row, not two).
        rows, width = reader.reader, len(header)
        try:
            for cells in rows:
                if not cells:
                    continue  # a blank line
                if len(cells) > width:
                    yield rows.line_num, {"__extra__": "1"}
                    continue
                values = {
                    name: value[1:] if value[:1] == QUOTE else value
                    for name, value in zip(header, map(str.strip, cells), strict=False)
                }  # ``text_restore`` of each stripped cell
                for name in header[len(cells) :]:
                    values[name] = ""
                yield rows.line_num, values
        except csv.Error as exc:
            raise FileProblem(f"Line {rows.line_num}: {exc}") from exc


XLSX_SIGNATURE = b"PK\x03\x04"


def cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def upload_check(upload) -> None:
    """Refuse an uploaded import file from its size (before reading it) and, for a
    workbook, from its zip directory (``FileRefused``)."""
    try:
        upload_size_check(upload, limit=settings.IMPORT_MAX_UPLOAD_BYTES)
    except UploadTooLarge as error:
        raise FileRefused(str(error)) from error
    upload.seek(0)
    if upload.read(len(XLSX_SIGNATURE)) == XLSX_SIGNATURE:
        upload.seek(0)
        try:
            xlsx_check(upload)
        except FileRefused:
            raise
        except FileProblem:
            pass  # unreadable, not hostile: the dry run reports it on the job
    upload.seek(0)


def xlsx_check(source) -> None:
    """Refuse a workbook that is costly or unsafe to open, reading only its zip
    directory and the first bytes of each XML part.

    Too many entries or too many bytes once uncompressed (a zip bomb), or a
    document type declaration in any XML part (entity expansion, external
    entities), are refused with ``FileRefused``.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem("The file is not a readable XLSX workbook.") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.IMPORT_MAX_XLSX_ENTRIES:
            raise FileRefused(
                f"The workbook has {len(entries)} parts; at most "
                f"{settings.IMPORT_MAX_XLSX_ENTRIES} are accepted."
            )
        expanded = sum(entry.file_size for entry in entries)
        if expanded > settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES:
            limit = settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES // (1024 * 1024)
            raise FileRefused(
                f"The workbook expands to more than {limit} MB; split it into smaller files."
            )
        for entry in entries:
            if not entry.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(entry) as stream:
                    # The prolog (where a DOCTYPE must be) ends at the first element.
                    for _event in iterparse(stream, events=("start",), forbid_dtd=True):
                        break
            except DefusedXmlException as exc:
                raise FileRefused(
                    "The workbook contains an XML document type declaration "
                    f"({entry.filename}), which imports do not accept. Save it again "
                    "from a spreadsheet program and upload that file."
                ) from exc
            except (ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise FileProblem("The file is not a readable XLSX workbook.") from exc


def xlsx_as_csv(data: bytes) -> bytes:
    """The first sheet of an XLSX workbook as UTF-8 CSV (after ``xlsx_check``)."""
    from openpyxl import load_workbook

    xlsx_check(io.BytesIO(data))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem("The file is not a readable XLSX workbook.") from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem("The workbook has no sheet.")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for values in sheet.iter_rows(values_only=True):
            cells = [cell_text(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            writer.writerow(cells)
        return out.getvalue().encode()
    finally:
        workbook.close()


REGISTRY: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    REGISTRY[importer.kind] = importer
    return importer
