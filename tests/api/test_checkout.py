"""POST /api/checkout/: the one order pipeline, errors with stable codes, and
Idempotency-Key (replay, conflict)."""

import pytest
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.order.models import IdempotencyKey
from commerce.payments.gateway import get_gateway
from tests import factories
from tests.api.conftest import assert_error, portal_api, storefront_api

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")

ADDRESS = {
    "first_name": "Gail",
    "last_name": "Buyer",
    "line1": "1 Test Street",
    "line4": "Berlin",
    "postcode": "10115",
    "country": "DE",
}


def fill_basket(client, product, quantity=1):
    response = client.post(
        "/api/basket/lines/", {"product": product.pk, "quantity": quantity}, format="json"
    )
    assert response.status_code == 201, response.content


def on_account(company, **extra):
    return {
        "payment_method": "account",
        "ship_to": company.addresses.get(kind="ship_to", is_default=True).pk,
        **extra,
    }


def test_portal_checkout_places_a_company_order_on_account(company, people):
    client = portal_api(people["buyer"])
    fill_basket(client, factories.ProductFactory(stock__price="10.00"), 2)

    response = client.post("/api/checkout/", on_account(company, notes="Gate 4"), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get()
    assert (body["number"], body["site"], body["company"], body["notes"]) == (
        order.number,
        "portal",
        company.pk,
        "Gate 4",
    )
    assert [(line["quantity"], line["unit_price"]) for line in body["lines"]] == [(2, "10.00")]
    assert client.get("/api/basket/lines/").json()["count"] == 0


def test_storefront_checkout_by_card_with_a_shipping_address(db):
    factories.CountryFactory()
    user = factories.UserFactory()
    client = storefront_api(user)
    fill_basket(client, factories.ProductFactory(stock__price="10.00"))
    token = get_gateway().tokenize(
        number="4242424242424242", exp_month=12, exp_year=2039, cvc="123"
    )

    response = client.post(
        "/api/checkout/",
        {"payment_method": "card", "card_token": token.token, "shipping_address": ADDRESS},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert (response.json()["site"], response.json()["company"]) == ("storefront", None)
    assert Order.objects.get().user == user


def test_an_empty_basket_is_refused(company, people):
    response = portal_api(people["buyer"]).post(
        "/api/checkout/", on_account(company), format="json"
    )
    assert_error(response, 400, "empty_basket")


def test_credit_limit_exceeded(company, people):
    account = company.credit_account
    account.credit_limit = "50.00"
    account.save(update_fields=["credit_limit"])
    client = portal_api(people["buyer"])
    fill_basket(client, factories.ProductFactory(stock__price="100.00"))

    response = client.post("/api/checkout/", on_account(company), format="json")

    assert_error(response, 409, "credit_limit_exceeded")
    assert not Order.objects.exists()
    assert client.get("/api/basket/lines/").json()["count"] == 1


def test_a_declined_card_is_payment_declined(db):
    factories.CountryFactory()
    client = storefront_api(factories.UserFactory())
    fill_basket(client, factories.ProductFactory(stock__price="10.00"))
    token = get_gateway().tokenize(
        number="4000000000000002", exp_month=12, exp_year=2039, cvc="123"
    )

    response = client.post(
        "/api/checkout/",
        {"payment_method": "card", "card_token": token.token, "shipping_address": ADDRESS},
        format="json",
    )

    assert_error(response, 402, "payment_declined")
    assert not Order.objects.exists()


def test_po_number_required(company, people):
    company.po_number_required = True
    company.save(update_fields=["po_number_required"])
    client = portal_api(people["buyer"])
    fill_basket(client, factories.ProductFactory())

    assert_error(
        client.post("/api/checkout/", on_account(company), format="json"), 400, "po_number_required"
    )


def test_another_companys_ship_to_is_not_accepted(company, people, other_company):
    client = portal_api(people["buyer"])
    fill_basket(client, factories.ProductFactory())
    theirs = other_company.addresses.get(kind="ship_to")

    response = client.post(
        "/api/checkout/", {"payment_method": "account", "ship_to": theirs.pk}, format="json"
    )

    body = assert_error(response, 400, "validation_error")
    assert "ship_to" in body["details"]
    assert not Order.objects.exists()


def test_a_viewer_may_not_check_out(company, people):
    response = portal_api(people["viewer"]).post(
        "/api/checkout/", on_account(company), format="json"
    )
    assert_error(response, 403, "permission_denied")


def test_a_body_without_an_address_is_a_validation_error(company, people):
    response = portal_api(people["buyer"]).post(
        "/api/checkout/", {"payment_method": "account"}, format="json"
    )
    body = assert_error(response, 400, "validation_error")
    assert "shipping_address" in body["details"]


def test_stock_gone_since_the_basket_was_filled_is_out_of_stock(company, people):
    product = factories.ProductFactory(stock=5)
    client = portal_api(people["buyer"])
    fill_basket(client, product, 5)
    product.stockrecords.update(num_in_stock=2)

    response = client.post("/api/checkout/", on_account(company), format="json")

    body = assert_error(response, 409, "out_of_stock")
    assert body["details"]["short"] == [{"product": product.title, "wanted": 5, "available": 2}]
    assert not Order.objects.exists()


def test_an_account_on_credit_hold_is_credit_hold(company, people):
    credit.credit_hold(account=company.credit_account, reason="overdue")
    client = portal_api(people["buyer"])
    fill_basket(client, factories.ProductFactory())

    assert_error(
        client.post("/api/checkout/", on_account(company), format="json"), 400, "credit_hold"
    )
    assert not Order.objects.exists()


def test_a_total_that_moved_is_price_changed(company, people):
    client = portal_api(people["buyer"])
    fill_basket(client, factories.ProductFactory(stock__price="10.00"))

    response = client.post(
        "/api/checkout/", on_account(company, expected_total="1.00"), format="json"
    )

    body = assert_error(response, 409, "price_changed")
    assert "35.00" in body["message"]  # 10.00 + 25.00 freight, net
    assert not Order.objects.exists()


def test_the_same_key_and_body_replays_the_first_answer(company, people):
    client = portal_api(people["buyer"])
    fill_basket(client, factories.ProductFactory())
    body = on_account(company, po_number="PO-1")

    first = client.post("/api/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    again = client.post("/api/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Order.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(company, people):
    client = portal_api(people["buyer"])
    fill_basket(client, factories.ProductFactory())
    client.post("/api/checkout/", on_account(company), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    fill_basket(client, factories.ProductFactory())

    response = client.post(
        "/api/checkout/",
        on_account(company, po_number="other"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )

    assert_error(response, 422, "idempotency_conflict")
    assert Order.objects.count() == 1
    assert client.get("/api/basket/lines/").json()["count"] == 1


def test_a_failed_request_does_not_use_up_its_key(company, people):
    client = portal_api(people["buyer"])
    first = client.post(
        "/api/checkout/", on_account(company), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert_error(first, 400, "empty_basket")
    assert not IdempotencyKey.objects.exists()

    fill_basket(client, factories.ProductFactory())
    again = client.post(
        "/api/checkout/", on_account(company), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert again.status_code == 201


def test_keys_belong_to_their_user(company, people):
    product = factories.ProductFactory()
    one, two = portal_api(people["buyer"]), portal_api(people["admin"])
    fill_basket(one, product)
    fill_basket(two, product)
    body = on_account(company)

    assert (
        one.post("/api/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code
        == 201
    )
    assert (
        two.post("/api/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code
        == 201
    )
    assert Order.objects.count() == 2


@pytest.mark.parametrize("choice", ["place", "refuse"])
def test_an_order_needing_approval_is_placed_pending_or_refused_on_request(company, people, choice):
    ApprovalRule = get_model("approvals", "ApprovalRule")
    ApprovalRule.objects.create(company=company, kind="order_total", amount="50.00")
    client = portal_api(people["buyer"])
    fill_basket(client, factories.ProductFactory(stock__price="100.00"))
    allocated = lambda: get_model("partner", "StockRecord").objects.get().num_allocated  # noqa: E731

    response = client.post(
        "/api/checkout/", on_account(company, if_approval_needed=choice), format="json"
    )

    if choice == "place":
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "Pending approval"
        assert allocated() == 1
    else:
        body = assert_error(response, 409, "approval_required")
        assert "order threshold" in body["details"]["reasons"][0]
        assert not Order.objects.exists()
        assert not allocated()
        assert credit.standing(company.credit_account).exposure == 0
        assert client.get("/api/basket/lines/").json()["count"] == 1
