"""/api/basket/lines/: the caller's basket, with the pages' basket rules."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from tests import factories
from tests.api.conftest import assert_error, portal_api, storefront_api

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")


def add(client, product, quantity=1):
    return client.post(
        "/api/basket/lines/", {"product": product.pk, "quantity": quantity}, format="json"
    )


def test_add_change_and_remove_a_line(company, people):
    client = portal_api(people["buyer"])
    product = factories.ProductFactory(stock__price="10.00")
    factories.price(factories.contract_list(company), product, "9.00", min_quantity=5)

    line = add(client, product, 2).json()
    assert (line["product"], line["sku"], line["quantity"], line["unit_price"]) == (
        product.pk,
        product.upc,
        2,
        "10.00",
    )
    changed = client.patch(f"/api/basket/lines/{line['id']}/", {"quantity": 5}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["quantity"], changed.json()["unit_price"], changed.json()["reason"]) == (
        5,
        "9.00",
        "Your contract price (5+)",
    )
    assert client.delete(f"/api/basket/lines/{line['id']}/").status_code == 204
    assert client.get("/api/basket/lines/").json()["count"] == 0


def test_adding_the_same_product_again_adds_to_its_line(db):
    client = storefront_api(factories.UserFactory())
    product = factories.ProductFactory()
    add(client, product, 1)
    add(client, product, 2)
    lines = client.get("/api/basket/lines/").json()["results"]
    assert [(x["product"], x["quantity"]) for x in lines] == [(product.pk, 3)]


def test_the_portal_basket_is_the_companys_and_the_storefront_basket_is_personal(company, people):
    product = factories.ProductFactory()
    add(portal_api(people["buyer"]), product, 1)

    assert storefront_api(people["buyer"]).get("/api/basket/lines/").json()["count"] == 0
    portal_basket = Basket.objects.get(owner=people["buyer"], status="Open", site_id=2)
    assert (portal_basket.company, portal_basket.num_items) == (company, 1)


def test_quantity_rules_are_a_validation_error(db):
    client = storefront_api(factories.UserFactory())
    product = factories.ProductFactory(order_multiple=10)
    body = assert_error(add(client, product, 3), 400, "validation_error")
    assert "packs of 10" in body["message"]
    assert client.get("/api/basket/lines/").json()["count"] == 0


def test_more_than_in_stock_is_out_of_stock_when_sold_out(db):
    client = storefront_api(factories.UserFactory())
    product = factories.ProductFactory(stock=0)
    assert_error(add(client, product, 1), 409, "out_of_stock")


def test_an_unknown_product_is_a_validation_error(db):
    client = storefront_api(factories.UserFactory())
    body = assert_error(
        client.post("/api/basket/lines/", {"product": 987654, "quantity": 1}, format="json"),
        400,
        "validation_error",
    )
    assert "product" in body["details"]


def test_another_companys_basket_line_is_not_found(company, people, outsider):
    theirs = add(portal_api(outsider), factories.ProductFactory()).json()
    mine = portal_api(people["buyer"])

    for method in ("get", "delete"):
        assert_error(getattr(mine, method)(f"/api/basket/lines/{theirs['id']}/"), 404, "not_found")
    assert_error(
        mine.patch(f"/api/basket/lines/{theirs['id']}/", {"quantity": 2}, format="json"),
        404,
        "not_found",
    )


def test_a_viewer_has_no_basket(company, people):
    assert_error(portal_api(people["viewer"]).get("/api/basket/lines/"), 403, "permission_denied")


def test_basket_needs_sign_in(db):
    assert_error(storefront_api().get("/api/basket/lines/"), 401, "not_authenticated")


def test_basket_line_queries_do_not_grow_with_the_lines(company, people):
    client = portal_api(people["buyer"])
    contract = factories.contract_list(company)

    def fill(n):
        for _ in range(n):
            product = factories.ProductFactory()
            factories.price(contract, product, "5.00", min_quantity=1)
            add(client, product)

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    fill(2)
    small = count("/api/basket/lines/?page_size=2")
    fill(18)
    large = count("/api/basket/lines/?page_size=20")
    assert large == small
