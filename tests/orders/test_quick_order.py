"""Quick order: a grid or a CSV; every row checked first, all or nothing added."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.orders.conftest import portal_buyer

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


def basket_items(client):
    return client.get("/basket/").context["basket"].num_items


def upload(client, content: bytes):
    return client.post(
        "/quick-order/", {"file": SimpleUploadedFile("order.csv", content, "text/csv")}
    )


def test_the_grid_adds_every_row(client, products):
    response = client.post(
        "/quick-order/", {"sku": ["bolt-8", "NUT-8", ""], "quantity": ["3", "20", ""]}
    )

    assert response.status_code == 302
    assert basket_items(client) == 23


def test_one_bad_row_in_the_grid_adds_nothing_and_says_which(client, products):
    response = client.post(
        "/quick-order/", {"sku": ["BOLT-8", "NUT-8", "NOPE"], "quantity": ["3", "7", "1"]}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "sold in packs of 10: order 10" in page
    assert "Unknown SKU &#x27;NOPE&#x27;" in page
    assert basket_items(client) == 0


def test_a_valid_csv_is_added(client, products):
    response = upload(client, b"sku,quantity\nBOLT-8,5\nNUT-8,30\n")

    assert response.status_code == 302
    assert basket_items(client) == 35


def test_the_same_sku_on_two_lines_is_checked_as_one_quantity(client, products):
    response = upload(client, b"sku,quantity\nNUT-8,5\nNUT-8,5\n")

    assert response.status_code == 302
    assert basket_items(client) == 10


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00s", "not UTF-8"),
        (b"product,qty\nBOLT-8,1\n", "header: sku,quantity"),
        (b"sku,quantity\n", "no order lines"),
        (b"sku,quantity\n" + b"BOLT-8,1\n" * 501, "At most 500 lines"),
    ],
)
def test_malformed_files_are_refused_whole(client, products, content, message):
    response = upload(client, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert basket_items(client) == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (b"BOLT-8,-2", "at least 1"),
        (b"BOLT-8,1.5", "not a whole number"),
        (b"BOLT-8,", "Enter a quantity"),
        (b"BOLT-8,1,extra", "More values"),
        (b",3", "Enter a SKU"),
        (b"BOLT-8,999999", "At most 100000"),
        (b"BOLT-8,600", "A maximum of 500 can be bought"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_added(client, products, row, message):
    response = upload(client, b"sku,quantity\nNUT-8,10\n" + row + b"\n")

    assert response.status_code == 400
    assert message in response.content.decode()
    assert basket_items(client) == 0


def test_unpublished_products_are_not_sold(client):
    factories.ProductFactory(upc="HIDDEN-1", is_public=False)

    response = upload(client, b"sku,quantity\nHIDDEN-1,1\n")

    assert "Unknown SKU" in response.content.decode()


def test_sku_autocomplete_prices_for_the_company(client, company, products):
    factories.price(factories.contract_list(company), products["bolt"], "3.33")

    data = client.get("/quick-order/skus/", {"q": "bol"}).json()

    assert data["results"][0]["sku"] == "BOLT-8"
    assert data["results"][0]["price"] == "€3.33"
    assert data["results"][0]["reason"] == "Your contract price"


def test_viewers_cannot_quick_order(company, products):
    viewer = portal_buyer(company, role="viewer")

    assert viewer.get("/quick-order/").status_code == 403
    assert viewer.post("/quick-order/", {"sku": ["BOLT-8"], "quantity": ["1"]}).status_code == 403
