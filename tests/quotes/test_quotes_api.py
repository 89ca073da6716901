"""Request for quote over the API: the buyer asks from the basket, the sales
rep offers prices, the buyer counters and accepts, and POST /api/checkout/
with the quote places the order at the quoted prices through the one
pipeline (approval and credit as for any order)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from accounts import staff_policy
from commerce.approvals.models import ApprovalRule
from commerce.order import status as order_status
from commerce.quotes.models import Quote, QuoteEvent
from tests import factories
from tests.api.conftest import assert_error, portal_api, storefront_api

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


@pytest.fixture
def rep(company):
    user = factories.UserFactory(email="rep@seller.example")
    staff_policy.staff_role_assign(user=user, role_key="sales_rep")
    company.sales_reps.add(user)
    return user


@pytest.fixture
def products():
    return (
        factories.ProductFactory(stock=100, stock__price="20.00", title="Bolt"),
        factories.ProductFactory(stock=100, stock__price="8.00", title="Nut"),
    )


def fill_basket(client, *items):
    for product, quantity in items:
        response = client.post(
            "/api/basket/lines/", {"product": product.pk, "quantity": quantity}, format="json"
        )
        assert response.status_code == 201, response.content


def ship_to(company):
    return company.addresses.get(kind="ship_to", is_default=True).pk


def request_quote(client, products, message="Annual volume, please"):
    fill_basket(client, (products[0], 20), (products[1], 40))
    response = client.post("/api/quotes/", {"message": message}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def offer(rep, quote, prices, days=14, message="Best we can do"):
    return storefront_api(rep).post(
        f"/api/quotes/{quote['id']}/offer/",
        {
            "lines": [
                {"id": line["id"], "price": price}
                for line, price in zip(quote["lines"], prices, strict=True)
            ],
            "valid_until": (timezone.localdate() + timedelta(days=days)).isoformat(),
            "message": message,
        },
        format="json",
    )


def test_request_offer_accept_and_order_at_the_quoted_prices(
    company, people, rep, products, committed
):
    buyer = portal_api(people["buyer"])
    with committed():
        quote = request_quote(buyer, products)
    assert (quote["status"], quote["number"]) == ("requested", f"Q-{quote['id']:06d}")
    assert [(x["product"], x["quantity"], x["offered_price"]) for x in quote["lines"]] == [
        (products[0].pk, 20, None),
        (products[1].pk, 40, None),
    ]
    assert mail.outbox[-1].to == ["rep@seller.example"]

    with committed():
        offered = offer(rep, quote, ["17.50", "6.25"])
    assert offered.status_code == 200, offered.content
    assert offered.json()["status"] == "offered"
    assert mail.outbox[-1].to == ["buyer@acme.example"]
    assert "17.50" in mail.outbox[-1].body

    detail = buyer.get(f"/api/quotes/{quote['id']}/").json()
    assert [x["offered_price"] for x in detail["lines"]] == ["17.50", "6.25"]
    accepted = buyer.post(f"/api/quotes/{quote['id']}/accept/")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"

    with committed():
        placed = buyer.post(
            "/api/checkout/",
            {"quote": quote["id"], "payment_method": "account", "ship_to": ship_to(company)},
            format="json",
        )
    assert placed.status_code == 201, placed.content
    order = Order.objects.get(number=placed.json()["number"])
    lines = sorted(order.lines.all(), key=lambda line: line.product_id)
    reason = f"Quote {quote['number']}"
    assert [(x.quantity, x.unit_price_excl_tax, x.price_rule, x.price_reason) for x in lines] == [
        (20, Decimal("17.50"), "quote", reason),
        (40, Decimal("6.25"), "quote", reason),
    ]
    final = buyer.get(f"/api/quotes/{quote['id']}/").json()
    assert (final["status"], final["order"]) == ("ordered", order.number)
    assert [e["kind"] for e in final["thread"]] == [
        "requested",
        "offered",
        "accepted",
        "ordered",
    ]
    # The buyer's own basket was turned into the quote; ordering did not touch it.
    assert buyer.get("/api/basket/lines/").json()["count"] == 2
    # Ordering again gives the same order.
    again = buyer.post(
        "/api/checkout/",
        {"quote": quote["id"], "payment_method": "account", "ship_to": ship_to(company)},
        format="json",
    )
    assert again.status_code == 201
    assert again.json()["number"] == order.number
    assert Order.objects.count() == 1


def test_a_counter_offer_goes_back_to_the_rep_and_a_new_offer_follows(
    company, people, rep, products
):
    buyer = portal_api(people["buyer"])
    quote = request_quote(buyer, products)
    assert offer(rep, quote, ["18.00", "7.00"]).status_code == 200

    countered = buyer.post(
        f"/api/quotes/{quote['id']}/counter/",
        {
            "message": "Bolts at 16?",
            "lines": [{"id": quote["lines"][0]["id"], "target_price": "16.00"}],
        },
        format="json",
    )
    assert countered.status_code == 200, countered.content
    assert countered.json()["status"] == "requested"
    assert countered.json()["lines"][0]["target_price"] == "16.00"
    assert offer(rep, quote, ["16.50", "7.00"], message="Meet in the middle").status_code == 200

    thread = buyer.get(f"/api/quotes/{quote['id']}/").json()["thread"]
    assert [(e["kind"], e["by"], e["message"]) for e in thread] == [
        ("requested", "buyer@acme.example", "Annual volume, please"),
        ("offered", "rep@seller.example", "Best we can do"),
        ("countered", "buyer@acme.example", "Bolts at 16?"),
        ("offered", "rep@seller.example", "Meet in the middle"),
    ]


def test_quote_from_explicit_lines_with_target_prices(company, people, products):
    buyer = portal_api(people["buyer"])
    response = buyer.post(
        "/api/quotes/",
        {
            "message": "For the new plant",
            "lines": [{"product": products[1].pk, "quantity": 500, "target_price": "5.00"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert [(x["quantity"], x["target_price"]) for x in response.json()["lines"]] == [(500, "5.00")]


def test_expired_declined_and_unaccepted_quotes_cannot_be_ordered(company, people, rep, products):
    buyer = portal_api(people["buyer"])
    body = {"payment_method": "account", "ship_to": ship_to(company)}

    requested = request_quote(buyer, products)
    assert_error(
        buyer.post("/api/checkout/", {**body, "quote": requested["id"]}, format="json"),
        409,
        "quote_not_open",
    )
    assert_error(buyer.post(f"/api/quotes/{requested['id']}/accept/"), 409, "quote_not_open")

    assert offer(rep, requested, ["18.00", "7.00"]).status_code == 200
    assert buyer.post(f"/api/quotes/{requested['id']}/accept/").status_code == 200
    Quote.objects.filter(pk=requested["id"]).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert buyer.get(f"/api/quotes/{requested['id']}/").json()["status"] == "expired"
    assert_error(
        buyer.post("/api/checkout/", {**body, "quote": requested["id"]}, format="json"),
        409,
        "quote_expired",
    )

    declined = request_quote(buyer, products, message="Second")
    assert offer(rep, declined, ["18.00", "7.00"]).status_code == 200
    assert (
        buyer.post(
            f"/api/quotes/{declined['id']}/decline/", {"message": "No"}, format="json"
        ).status_code
        == 200
    )
    assert_error(buyer.post(f"/api/quotes/{declined['id']}/accept/"), 409, "quote_not_open")
    assert_error(
        buyer.post("/api/checkout/", {**body, "quote": declined["id"]}, format="json"),
        409,
        "quote_not_open",
    )
    assert not Order.objects.exists()


def test_a_quoted_order_over_the_threshold_waits_for_approval(company, people, rep, products):
    ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal("100.00"))
    buyer = portal_api(people["buyer"])
    quote = request_quote(buyer, products)
    assert offer(rep, quote, ["17.50", "6.25"]).status_code == 200
    assert buyer.post(f"/api/quotes/{quote['id']}/accept/").status_code == 200

    placed = buyer.post(
        "/api/checkout/",
        {"quote": quote["id"], "payment_method": "account", "ship_to": ship_to(company)},
        format="json",
    )

    assert placed.status_code == 201, placed.content
    assert placed.json()["status"] == order_status.PENDING_APPROVAL


def test_another_company_and_non_staff_see_nothing(company, people, rep, products, outsider):
    quote = request_quote(portal_api(people["buyer"]), products)
    stranger = portal_api(outsider)

    assert_error(stranger.get(f"/api/quotes/{quote['id']}/"), 404, "not_found")
    assert_error(stranger.post(f"/api/quotes/{quote['id']}/accept/"), 404, "not_found")
    assert stranger.get("/api/quotes/").json()["count"] == 0
    assert_error(
        stranger.post(
            "/api/checkout/",
            {"quote": quote["id"], "payment_method": "account", "ship_to": 1},
            format="json",
        ),
        404,
        "not_found",
    )
    # A buyer cannot offer prices; another company's rep cannot see the quote.
    assert_error(offer(people["buyer"], quote, ["1.00", "1.00"]), 403, "permission_denied")
    other_rep = factories.UserFactory()
    staff_policy.staff_role_assign(user=other_rep, role_key="sales_rep")
    assert_error(offer(other_rep, quote, ["1.00", "1.00"]), 404, "not_found")


def test_offer_validation(company, people, rep, products):
    quote = request_quote(portal_api(people["buyer"]), products)
    client = storefront_api(rep)
    url = f"/api/quotes/{quote['id']}/offer/"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    only_one = client.post(
        url,
        {"lines": [{"id": quote["lines"][0]["id"], "price": "1.00"}], "valid_until": tomorrow},
        format="json",
    )
    assert_error(only_one, 400, "validation_error")
    past = client.post(
        url,
        {
            "lines": [{"id": x["id"], "price": "1.00"} for x in quote["lines"]],
            "valid_until": "2000-01-01",
        },
        format="json",
    )
    assert_error(past, 400, "validation_error")
    assert_error(client.post(url, {"lines": "x"}, format="json"), 400, "validation_error")
    assert Quote.objects.get().status == "requested"
    assert QuoteEvent.objects.count() == 1


def test_the_quote_list_costs_the_same_queries_for_one_quote_or_many(company, people, products):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    buyer = portal_api(people["buyer"])
    body = {"lines": [{"product": products[0].pk, "quantity": 2}]}
    assert buyer.post("/api/quotes/", body, format="json").status_code == 201
    buyer.get("/api/quotes/")
    with CaptureQueriesContext(connection) as few:
        buyer.get("/api/quotes/")
    for _ in range(5):
        assert buyer.post("/api/quotes/", body, format="json").status_code == 201
    with CaptureQueriesContext(connection) as many:
        assert buyer.get("/api/quotes/").json()["count"] == 6
    assert len(many.captured_queries) == len(few.captured_queries)
