"""Hostile workbooks: a zip bomb and an XML entity bomb are refused from the zip
directory and the XML prolog, never expanded, never left stuck "validating"."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from commerce.imports.models import ImportJob
from commerce.imports.services import import_validate
from tests import factories
from tests.security.test_upload_limits import fresh_media, stored_files  # noqa: F401

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_END = b"</sheetData></worksheet>"


def _entities() -> bytes:
    """The billion laughs: lol9 expands to 10**9 "lol"s."""
    parts = [b'<!ENTITY lol "lol">']
    for n in range(1, 10):
        previous = f"&lol{n - 1};" if n > 1 else "&lol;"
        parts.append(f'<!ENTITY lol{n} "{previous * 10}">'.encode())
    return b"".join(parts)


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [' + _entities() + b"]>\n"
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def workbook(sheet_writer=None, *, extra_entries: int = 0) -> bytes:
    """A real workbook (openpyxl) whose first sheet is replaced by what ``sheet_writer``
    streams into it, plus ``extra_entries`` empty parts."""
    from openpyxl import Workbook

    base = io.BytesIO()
    book = Workbook()
    book.active.append(["sku", "title", "product_class"])
    book.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry in source.infolist():
            if entry.filename == SHEET and sheet_writer is not None:
                with zf.open(SHEET, "w", force_zip64=True) as sheet:
                    sheet_writer(sheet)
            else:
                zf.writestr(entry, source.read(entry))
        for n in range(extra_entries):
            zf.writestr(f"customXml/item{n}.bin", b"")
    return out.getvalue()


def bomb(sheet) -> None:
    """About 24 MB of sheet XML that compresses to a few dozen KB."""
    sheet.write(SHEET_START)
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 44 + b"</t></is></c></row>"
    chunk = row * 1000
    for _ in range(300):
        sheet.write(chunk)
    sheet.write(SHEET_END)


@pytest.fixture
def staff_client(storefront_client):
    storefront_client.force_login(factories.StaffFactory())
    return storefront_client


def post(client, content: bytes):
    return client.post(
        "/dashboard/catalogue/products/import/",
        {"file": SimpleUploadedFile("products.xlsx", content, "application/octet-stream")},
    )


def test_a_zip_bomb_workbook_is_refused_without_being_expanded(staff_client, settings):
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    content = workbook(bomb)
    assert len(content) < 300 * 1024  # small on the wire

    tracemalloc.start()
    try:
        response = post(staff_client, content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 400
    assert "expands to more than 5 MB" in response.content.decode()
    assert peak < 8 * 1024 * 1024, f"{peak} bytes allocated: the workbook was expanded"
    assert not ImportJob.objects.exists()
    assert stored_files() == []


def test_a_workbook_of_too_many_parts_is_refused(staff_client, settings):
    settings.IMPORT_MAX_XLSX_ENTRIES = 50

    response = post(staff_client, workbook(extra_entries=60))

    assert response.status_code == 400
    assert "at most 50 are accepted" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_workbook_with_a_doctype_is_refused_with_a_clear_error(staff_client):
    response = post(staff_client, workbook(lambda sheet: sheet.write(LAUGHS)))

    assert response.status_code == 400
    assert "XML document type declaration" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files() == []


def test_a_stored_doctype_workbook_ends_its_job_as_failed_not_validating(staff_client):
    """A file that reached storage some other way (an older upload) fails its job with
    the reason and is deleted; the status page says so."""
    job = ImportJob.objects.create(
        kind="products",
        filename="laughs.xlsx",
        file=ContentFile(workbook(lambda sheet: sheet.write(LAUGHS)), name="laughs.xlsx"),
    )
    assert stored_files()

    job = import_validate(job.pk)

    assert job.status == "failed"
    assert "XML document type declaration" in job.errors[0]["message"]
    assert stored_files() == []
    page = staff_client.get(f"/dashboard/imports/{job.pk}/")
    assert page.status_code == 200
    assert "XML document type declaration" in page.content.decode()
