"""Shopping lists over the API: own and shared lists, lines, another company's
list is a 404, "add all to basket" at today's prices with what could not be added."""

import pytest

from commerce.lists.models import ShoppingList
from tests import factories
from tests.api.conftest import assert_error, portal_api

pytestmark = pytest.mark.django_db


def make_list(client, name="Weekly", shared=False):
    response = client.post("/api/lists/", {"name": name, "shared": shared}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_buyer_creates_a_list_adds_lines_and_reads_it_back(company, people):
    client = portal_api(people["buyer"])
    product = factories.ProductFactory(stock__price="10.00")

    created = make_list(client)
    first = client.post(
        f"/api/lists/{created['id']}/lines/",
        {"product": product.pk, "quantity": 3, "note": "for line 2"},
        format="json",
    )
    again = client.post(
        f"/api/lists/{created['id']}/lines/", {"product": product.pk, "quantity": 2}, format="json"
    )

    assert (first.status_code, again.status_code) == (201, 201)
    detail = client.get(f"/api/lists/{created['id']}/").json()
    assert (detail["name"], detail["shared"], detail["owner"]) == (
        "Weekly",
        False,
        "buyer@acme.example",
    )
    assert [(x["product"], x["quantity"], x["note"]) for x in detail["lines"]] == [
        (product.pk, 5, "for line 2")
    ]
    listing = client.get("/api/lists/").json()
    assert [(x["id"], x["line_count"]) for x in listing["results"]] == [(created["id"], 1)]


def test_rename_share_and_delete(company, people):
    owner = portal_api(people["buyer"])
    colleague = portal_api(people["approver"])
    created = make_list(owner)
    assert colleague.get(f"/api/lists/{created['id']}/").status_code == 404  # personal

    patched = owner.patch(
        f"/api/lists/{created['id']}/", {"name": "Plant B", "shared": True}, format="json"
    )

    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["shared"]) == ("Plant B", True)
    assert colleague.get(f"/api/lists/{created['id']}/").status_code == 200
    # A colleague may use a shared list but not delete it.
    assert_error(colleague.delete(f"/api/lists/{created['id']}/"), 403, "permission_denied")
    assert owner.delete(f"/api/lists/{created['id']}/").status_code == 204
    assert not ShoppingList.objects.exists()


def test_another_companys_list_is_not_found(company, people, outsider):
    created = make_list(portal_api(people["buyer"]), shared=True)
    stranger = portal_api(outsider)
    product = factories.ProductFactory()

    assert_error(stranger.get(f"/api/lists/{created['id']}/"), 404, "not_found")
    assert_error(
        stranger.patch(f"/api/lists/{created['id']}/", {"name": "x"}, format="json"),
        404,
        "not_found",
    )
    assert_error(stranger.delete(f"/api/lists/{created['id']}/"), 404, "not_found")
    assert_error(
        stranger.post(
            f"/api/lists/{created['id']}/lines/",
            {"product": product.pk, "quantity": 1},
            format="json",
        ),
        404,
        "not_found",
    )
    assert_error(stranger.post(f"/api/lists/{created['id']}/to-basket/"), 404, "not_found")
    assert stranger.get("/api/lists/").json()["count"] == 0


def test_bad_input_is_a_400_and_changes_nothing(company, people):
    client = portal_api(people["buyer"])
    created = make_list(client)
    hidden = factories.ProductFactory()
    hidden.visible_to_companies.set([factories.CompanyFactory()])

    assert_error(client.post("/api/lists/", {"name": ""}, format="json"), 400, "validation_error")
    assert_error(
        client.post(
            f"/api/lists/{created['id']}/lines/",
            {"product": 999999, "quantity": 1},
            format="json",
        ),
        400,
        "validation_error",
    )
    assert_error(
        client.post(
            f"/api/lists/{created['id']}/lines/",
            {"product": hidden.pk, "quantity": 0},
            format="json",
        ),
        400,
        "validation_error",
    )
    assert client.get(f"/api/lists/{created['id']}/").json()["lines"] == []


def test_add_all_to_basket_prices_live_and_reports_what_it_could_not_add(company, people):
    client = portal_api(people["buyer"])
    contract = factories.contract_list(company)
    cheap = factories.ProductFactory(stock=50, stock__price="20.00")
    factories.price(contract, cheap, "15.00")
    factories.price(contract, cheap, "12.00", min_quantity=10)
    scarce = factories.ProductFactory(stock=1, stock__price="5.00")
    gone = factories.ProductFactory(stock=5, stock__price="5.00")
    created = make_list(client)
    for product, quantity in ((cheap, 10), (scarce, 3), (gone, 1)):
        assert (
            client.post(
                f"/api/lists/{created['id']}/lines/",
                {"product": product.pk, "quantity": quantity},
                format="json",
            ).status_code
            == 201
        )
    gone.visible_to_companies.set([factories.CompanyFactory()])  # withdrawn since listed

    response = client.post(f"/api/lists/{created['id']}/to-basket/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert [(a["product"], a["quantity"], a["unit_price"], a["reason"]) for a in body["added"]] == [
        (cheap.pk, 10, "12.00", "Your contract price (10+)")
    ]
    assert sorted(p["product"] for p in body["problems"]) == sorted([scarce.pk, gone.pk])
    lines = client.get("/api/basket/lines/").json()["results"]
    assert [(x["product"], x["quantity"], x["unit_price"]) for x in lines] == [
        (cheap.pk, 10, "12.00")
    ]
    # The list itself is unchanged.
    assert len(client.get(f"/api/lists/{created['id']}/").json()["lines"]) == 3


def test_viewers_may_not_fill_a_basket_and_the_storefront_has_no_lists(company, people):
    created = make_list(portal_api(people["buyer"]), shared=True)
    viewer = portal_api(people["viewer"])

    assert viewer.get(f"/api/lists/{created['id']}/").status_code == 200
    assert_error(viewer.post(f"/api/lists/{created['id']}/to-basket/"), 403, "permission_denied")
    from tests.api.conftest import storefront_api

    assert_error(storefront_api(people["buyer"]).get("/api/lists/"), 403, "permission_denied")


def test_the_list_page_of_the_api_costs_constant_queries(company, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = portal_api(people["buyer"])
    make_list(client, "One")
    client.get("/api/lists/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/lists/")
    for n in range(8):
        make_list(client, f"List {n}", shared=True)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/lists/").json()["count"] == 9
    assert len(many.captured_queries) == len(few.captured_queries)
