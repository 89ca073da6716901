"""Quick order files as spreadsheet programs write them: comma, semicolon or
tab separated (detected from the header) and XLSX workbooks; hostile files are
refused whole and add nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.orders.conftest import portal_buyer
from tests.security.test_xlsx_hostile import LAUGHS, bomb, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(company):
    return portal_buyer(company)


@pytest.fixture
def products():
    return {
        "bolt": factories.ProductFactory(upc="BOLT-8", stock=500),
        "nut": factories.ProductFactory(upc="NUT-8", stock=500, order_multiple=10),
    }


def basket_lines(client) -> dict[str, int]:
    basket = client.get("/basket/").context["basket"]
    return {line.product.upc: line.quantity for line in basket.all_lines()}


def upload(client, content: bytes, name: str = "order.csv"):
    return client.post(
        "/quick-order/",
        {"file": SimpleUploadedFile(name, content, "application/octet-stream")},
    )


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"sku,quantity\nBOLT-8,5\nNUT-8,30\n",
        b"sku;quantity\r\nBOLT-8;5\r\nNUT-8;30\r\n",  # German-locale Excel
        b"\xef\xbb\xbfSKU;Quantity\nBOLT-8;5\nNUT-8;30\n",  # with a byte-order mark
        b"sku\tquantity\nBOLT-8\t5\nNUT-8\t30\n",  # "Unicode text"
        b'"sku";"quantity"\n"BOLT-8";"5"\n"NUT-8";"30"\n',  # quoted cells
    ],
    ids=["comma", "semicolon", "semicolon-bom", "tab", "quoted"],
)
def test_separated_files_are_detected_and_added(client, products, content):
    response = upload(client, content)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert basket_lines(client) == {"BOLT-8": 5, "NUT-8": 30}


def test_an_xlsx_workbook_is_added(client, products):
    content = xlsx([["SKU", "Quantity"], ["BOLT-8", 5], [None, None], ["nut-8", 30.0]])

    response = upload(client, content, "order.xlsx")

    assert response.status_code == 302
    assert basket_lines(client) == {"BOLT-8": 5, "NUT-8": 30}


def test_a_bad_row_in_a_workbook_is_reported_by_its_sheet_row(client, products):
    content = xlsx([["sku", "quantity"], ["BOLT-8", 5], ["NUT-8", 1.5]])

    response = upload(client, content, "order.xlsx")

    page = response.content.decode()
    assert response.status_code == 400
    assert "not a whole number" in page
    assert "<td>3</td>" in page
    assert basket_lines(client) == {}


def test_a_semicolon_file_with_a_comma_inside_a_cell_keeps_the_cell(client, products):
    response = upload(client, b"sku;quantity\nBOLT-8;5\nNUT-8,X;1\n")

    assert response.status_code == 400
    assert "Unknown SKU &#x27;NUT-8,X&#x27;" in response.content.decode()
    assert basket_lines(client) == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"sku|quantity\nBOLT-8|1\n", "header: sku,quantity"),
        (b"sku;quantity\nBOLT-8;1;9\n", "More values"),
        (b"sku,quantity\nBOLT\x00-8,1\n", "binary data"),
        (b"sku,quantity\n" + b'"' + b"A" * 200_000 + b'",1\n', "Line"),
        (b"PK\x03\x04this is no zip", "not a readable XLSX"),
        (b"", "empty"),
    ],
    ids=["pipes", "extra-column", "nul", "huge-field", "fake-zip", "empty"],
)
def test_hostile_text_files_are_refused_whole(client, products, content, message):
    response = upload(client, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert basket_lines(client) == {}


def test_a_workbook_with_an_entity_bomb_is_refused(client, products):
    def laughs(sheet):
        sheet.write(LAUGHS)

    response = upload(client, workbook(laughs), "order.xlsx")

    assert response.status_code == 400
    assert "document type declaration" in response.content.decode()
    assert basket_lines(client) == {}


def test_a_workbook_that_is_a_zip_bomb_stops_early(client, products, monkeypatch):
    """300,000 rows in a few dozen KB: refused after reading 5,001 of them, before
    openpyxl opens the workbook (which would read every row of a sheet that does
    not state its size, twice)."""
    import openpyxl

    content = workbook(bomb)
    assert len(content) < 512 * 1024
    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(
        openpyxl, "load_workbook", lambda *a, **k: opened.append(1) or real(*a, **k)
    )

    response = upload(client, content, "order.xlsx")

    assert response.status_code == 400
    assert "At most 500 lines" in response.content.decode()
    assert opened == []
    assert basket_lines(client) == {}


def test_a_workbook_over_the_size_limit_is_refused(client, products, settings):
    settings.QUICK_ORDER_MAX_UPLOAD_BYTES = 1024
    content = xlsx([["sku", "quantity"]] + [[f"SKU-{n}", 1] for n in range(300)])

    response = upload(client, content, "order.xlsx")

    assert response.status_code == 400
    assert basket_lines(client) == {}


def test_formulas_are_read_as_their_values_never_run(client, products):
    content = xlsx([["sku", "quantity"], ['=HYPERLINK("http://evil.example","BOLT-8")', 2]])

    response = upload(client, content, "order.xlsx")

    assert response.status_code == 400
    assert basket_lines(client) == {}


def test_the_sheet_name_does_not_matter(client, products):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Bestellung"
    book.active.append(["sku", "quantity"])
    book.active.append(["BOLT-8", 3])
    out = io.BytesIO()
    book.save(out)

    response = upload(client, out.getvalue(), "order.xlsx")

    assert response.status_code == 302
    assert basket_lines(client) == {"BOLT-8": 3}
