"""A shopping list filled from an XLSX workbook, read by the quick-order reader:
a workbook adds its rows like a CSV file; a zip bomb, an entity bomb, a bad row
or a file that is neither refuses the whole file and adds nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commerce.lists.models import ShoppingList, ShoppingListLine
from tests import factories
from tests.orders.test_quick_order_files import xlsx
from tests.security.test_xlsx_hostile import LAUGHS, bomb, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(portal_client, people):
    portal_client.force_login(people["buyer"])
    return portal_client


@pytest.fixture
def list_url(client):
    client.post("/lists/", {"name": "Line 3"})
    return f"/lists/{ShoppingList.objects.get().pk}/"


def upload(client, url, content: bytes, name="list.xlsx"):
    file = SimpleUploadedFile(name, content, "application/octet-stream")
    return client.post(url, {"action": "upload", "file": file}, follow=True)


def test_a_workbook_adds_its_rows_with_notes(client, list_url):
    bolt = factories.ProductFactory(upc="BOLT-1", stock=50)
    nut = factories.ProductFactory(upc="NUT-1", stock=50)
    content = xlsx([["sku", "quantity", "note"], ["BOLT-1", 4, "M8"], [], ["NUT-1", 10.0, None]])

    page = upload(client, list_url, content)

    assert "2 rows added from the file." in page.content.decode()
    lines = ShoppingListLine.objects.order_by("pk")
    assert [(x.product_id, x.quantity, x.note) for x in lines] == [
        (bolt.pk, 4, "M8"),
        (nut.pk, 10, ""),
    ]


def test_a_workbook_with_a_bad_row_adds_nothing(client, list_url):
    factories.ProductFactory(upc="BOLT-1")
    content = xlsx([["sku", "quantity"], ["BOLT-1", 2], ["NOPE", 1], ["BOLT-1", "x"]])

    page = upload(client, list_url, content)

    text = page.content.decode()
    assert "Row 3: no product with SKU" in text and "Row 4: the quantity" in text
    assert not ShoppingListLine.objects.exists()


def test_a_zip_bomb_is_refused_without_being_expanded(client, list_url):
    page = upload(client, list_url, workbook(bomb))

    assert page.status_code == 200
    assert "The file was not imported" in page.content.decode()
    assert not ShoppingListLine.objects.exists()


def test_an_entity_bomb_is_refused(client, list_url):
    page = upload(client, list_url, workbook(lambda sheet: sheet.write(LAUGHS)))

    assert "The file was not imported" in page.content.decode()
    assert not ShoppingListLine.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04not really a zip",
        b"\xff\xfe\x00s\x00k\x00u",
        b"sku,quantity\nBOLT-1,2\x00\n",
    ],
    ids=["broken-zip", "utf16", "nul-byte"],
)
def test_a_file_that_is_neither_is_refused_clearly(client, list_url, content):
    factories.ProductFactory(upc="BOLT-1")

    page = upload(client, list_url, content, name="list.csv")

    assert page.status_code == 200
    assert "The file was not imported" in page.content.decode()
    assert not ShoppingListLine.objects.exists()
