"""GET /api/products/: the catalog with the caller's prices, priced a page at
a time (queries do not grow with the page)."""

import pytest
from oscar.core.loading import get_model

from commerce.api.views import basket, catalog
from tests import factories
from tests.api.conftest import assert_error, portal_api, storefront_api
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")


def test_storefront_prices_include_tax_and_portal_prices_are_net_with_the_contract(company, people):
    product = factories.ProductFactory(stock__price="10.00")
    factories.price(factories.contract_list(company), product, "8.00")

    shop = storefront_api().get(f"/api/products/{product.pk}/").json()["price"]
    portal = portal_api(people["buyer"]).get(f"/api/products/{product.pk}/").json()["price"]

    assert (shop["unit"], shop["incl_tax"], shop["reason"]) == ("11.90", True, "List price")
    assert (portal["unit"], portal["unit_net"], portal["tax"], portal["incl_tax"]) == (
        "8.00",
        "8.00",
        "1.52",
        False,
    )
    assert (portal["rule"], portal["reason"]) == ("contract", "Your contract price")


def test_the_active_company_is_chosen_with_x_company(company, other_company, people):
    product = factories.ProductFactory(stock__price="10.00")
    factories.price(factories.contract_list(other_company), product, "7.00")
    both = people["buyer"]
    factories.MembershipFactory(company=other_company, user=both, role="buyer")

    acme = portal_api(both, company=company).get(f"/api/products/{product.pk}/")
    globex = portal_api(both, company=other_company).get(f"/api/products/{product.pk}/")

    assert acme.json()["price"]["unit"] == "10.00"
    assert globex.json()["price"]["unit"] == "7.00"


def test_a_company_the_caller_is_not_in_is_not_found(company, other_company, people):
    response = portal_api(people["buyer"], company=other_company).get("/api/products/")
    assert_error(response, 404, "not_found")


def test_quantity_rules_and_availability(db):
    product = factories.ProductFactory(
        stock=7, min_order_quantity=2, order_multiple=2, max_order_quantity=6
    )
    body = storefront_api().get(f"/api/products/{product.pk}/").json()
    assert (body["available"], body["num_available"]) == (True, 7)
    assert (body["min_quantity"], body["multiple"], body["max_quantity"]) == (2, 2, 6)


def test_filters_by_category_search_and_sku(db):
    tools = factories.make_category("Tools")
    drills = factories.make_category("Drills", parent=tools)
    drill = factories.ProductFactory(title="Cordless drill", category=drills)
    factories.ProductFactory(title="Box of screws")
    api = storefront_api()

    def ids(**params):
        return [p["id"] for p in api.get("/api/products/", params).json()["results"]]

    assert ids(category=tools.pk) == [drill.pk]
    assert ids(search="cordless") == [drill.pk]
    assert ids(sku=drill.upc) == [drill.pk]
    assert ids(category=999999) == []


@pytest.mark.parametrize("params", [{"category": "x"}, {"sort": "nope"}, {"page": "99"}])
def test_bad_filters_are_4xx(db, params):
    factories.ProductFactory()
    response = storefront_api().get("/api/products/", params)
    assert 400 <= response.status_code < 500
    assert response.json()["code"] in ("validation_error", "not_found")


def test_the_portal_catalog_is_for_members(db):
    factories.ProductFactory()
    assert_error(portal_api().get("/api/products/"), 401, "not_authenticated")


def test_an_unknown_product_is_not_found(db):
    assert_error(storefront_api().get("/api/products/424242/"), 404, "not_found")
    assert_error(storefront_api().get("/api/products/99999999999999999999/"), 404, "not_found")


@pytest.mark.parametrize("site", ["storefront", "portal"])
def test_a_page_costs_the_same_queries_for_2_or_40_products(company, people, site):
    contract = factories.contract_list(company)
    client = (
        storefront_api(people["buyer"]) if site == "storefront" else portal_api(people["buyer"])
    )

    def fill(n):
        for _ in range(n):
            product = factories.ProductFactory()
            factories.price(contract, product, "5.00")
            factories.price(contract, product, "4.00", min_quantity=10)

    fill(2)
    small = count_queries(client, "/api/products/?page_size=2")
    fill(38)
    large = count_queries(client, "/api/products/?page_size=40")

    assert large == small
    assert large <= 10


def test_every_product_the_api_serves_or_sells_comes_from_products_for(monkeypatch, db):
    """Visibility rules plug into ``products_for`` alone: hide everything there
    and the list, the detail and adding to the basket all see nothing."""
    product = factories.ProductFactory()
    hidden = lambda request, **kwargs: Product.objects.none()  # noqa: E731
    monkeypatch.setattr(catalog, "products_for", hidden)
    monkeypatch.setattr(basket, "products_for", hidden)
    client = storefront_api(factories.UserFactory())

    assert client.get("/api/products/").json()["count"] == 0
    assert_error(client.get(f"/api/products/{product.pk}/"), 404, "not_found")
    added = client.post("/api/basket/lines/", {"product": product.pk}, format="json")
    assert_error(added, 400, "validation_error")
