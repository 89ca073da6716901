"""Shopping lists in the portal: create, add from the product page and an order,
CSV upload and export, add all to the basket; another company's list is a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commerce.lists.models import ShoppingList, ShoppingListLine
from tests import factories
from tests.helpers import count_queries, place_portal_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(portal_client, company, people):
    portal_client.force_login(people["buyer"])
    return portal_client


def test_create_add_by_sku_upload_export_and_fill_the_basket(client, company):
    bolt = factories.ProductFactory(stock=50, stock__price="2.00", upc="BOLT-1")
    nut = factories.ProductFactory(stock=50, stock__price="1.00", upc="NUT-1")

    created = client.post("/lists/", {"name": "Line 3 consumables"})
    shopping_list = ShoppingList.objects.get()
    assert created.url == f"/lists/{shopping_list.pk}/"
    url = created.url
    client.post(url, {"action": "add", "sku": "BOLT-1", "quantity": "4", "note": "M8"})
    upload = SimpleUploadedFile("list.csv", b"sku,quantity,note\nNUT-1,10,spare\n", "text/csv")
    client.post(url, {"action": "upload", "file": upload})

    lines = ShoppingListLine.objects.order_by("pk")
    assert [(x.product_id, x.quantity, x.note) for x in lines] == [
        (bolt.pk, 4, "M8"),
        (nut.pk, 10, "spare"),
    ]
    page = client.get(url)
    assert "Your price" in page.content.decode() or "List price" in page.content.decode()
    export = client.get(f"{url}export.csv")
    assert export["Content-Type"].startswith("text/csv")
    assert export.content.decode().splitlines()[1:] == [
        f"BOLT-1,{bolt.get_title()},4,M8",
        f"NUT-1,{nut.get_title()},10,spare",
    ]
    filled = client.post(url, {"action": "to_basket"})
    assert filled.url == "/basket/"
    basket = client.get("/basket/").context["basket"]
    assert sorted((x.product_id, x.quantity) for x in basket.all_lines()) == [
        (bolt.pk, 4),
        (nut.pk, 10),
    ]


def test_a_bad_csv_adds_nothing(client):
    factories.ProductFactory(upc="BOLT-1")
    client.post("/lists/", {"name": "L"})
    url = f"/lists/{ShoppingList.objects.get().pk}/"
    upload = SimpleUploadedFile(
        "list.csv", b"sku,quantity\nBOLT-1,2\nNOPE,1\nBOLT-1,x\n", "text/csv"
    )

    page = client.post(url, {"action": "upload", "file": upload}, follow=True)

    text = page.content.decode()
    assert "Row 3: no product with SKU" in text and "Row 4: the quantity" in text
    assert not ShoppingListLine.objects.exists()


def test_add_from_the_product_page_and_from_an_order(client, company, people):
    product = factories.ProductFactory(stock=50, stock__price="2.00")
    page = client.get(product.get_absolute_url())
    assert 'id="add_to_list_form"' in page.content.decode()

    added = client.post("/lists/add/", {"product": product.pk, "quantity": "3", "name": "Pumps"})
    again = client.post("/lists/add/", {"product": product.pk, "quantity": "2", "name": "pumps"})
    shopping_list = ShoppingList.objects.get(name="Pumps")
    assert added.url == again.url == f"/lists/{shopping_list.pk}/"
    assert shopping_list.lines.get().quantity == 5

    order = place_portal_order(company, people["buyer"], product, 5).order
    saved = client.post(f"/orders/{order.number}/to-list/")
    from_order = ShoppingList.objects.get(name=f"Order {order.number}")
    assert saved.url == f"/lists/{from_order.pk}/"
    assert [(x.product_id, x.quantity) for x in from_order.lines.all()] == [(product.pk, 5)]


def test_another_companys_list_is_not_found(client, outsider, portal_client):
    client.post("/lists/", {"name": "Mine", "shared": "1"})
    pk = ShoppingList.objects.get().pk
    portal_client.force_login(outsider)

    assert portal_client.get(f"/lists/{pk}/").status_code == 404
    assert portal_client.post(f"/lists/{pk}/", {"action": "delete"}).status_code == 404
    assert portal_client.get(f"/lists/{pk}/export.csv").status_code == 404
    assert ShoppingList.objects.exists()


def test_the_lists_page_costs_the_same_queries_for_one_list_or_many(client):
    client.post("/lists/", {"name": "One"})
    few = count_queries(client, "/lists/")
    for n in range(10):
        client.post("/lists/", {"name": f"List {n}", "shared": "1"})
    assert count_queries(client, "/lists/") == few


def test_the_list_page_costs_the_same_queries_for_one_line_or_many(client):
    client.post("/lists/", {"name": "One"})
    url = f"/lists/{ShoppingList.objects.get().pk}/"
    first = factories.ProductFactory(stock=5, stock__price="1.00", upc="P-0")
    client.post(url, {"action": "add", "sku": first.upc, "quantity": "1"})
    few = count_queries(client, url)
    for n in range(1, 8):
        product = factories.ProductFactory(stock=5, stock__price="1.00", upc=f"P-{n}")
        client.post(url, {"action": "add", "sku": product.upc, "quantity": "1"})
    assert count_queries(client, url) == few
