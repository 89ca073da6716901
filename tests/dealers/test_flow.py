"""A storefront order of a dealer product, end to end through the API: routed to
the better-rated Berlin dealer, re-routed on rejection and on lapse, accepted,
shipped and delivered by the dealer, seen by the consumer."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.dealers import services
from commerce.dealers.models import DealerLedgerEntry, DealerOffer, DealerRouting, DealerStock
from commerce.dealers.tasks import lapse_dealer_offers
from commerce.outbox.models import OutboxMessage
from tests import factories
from tests.api.conftest import portal_api, storefront_api

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")

ADDRESS = {
    "first_name": "Connie",
    "last_name": "Consumer",
    "line1": "Invalidenstr. 1",
    "line4": "Berlin",
    "postcode": "10115",
    "country": "DE",
    "phone_number": "+49 30 1234567",
}


def buy(product, *, user=None, address=ADDRESS, quantity=1):
    user = user or factories.UserFactory(email="consumer@example.com")
    client = storefront_api(user)
    added = client.post(
        "/api/basket/lines/", {"product": product.pk, "quantity": quantity}, format="json"
    )
    assert added.status_code == 201, added.content
    response = client.post(
        "/api/checkout/",
        {
            "payment_method": "card",
            "card_token": "tok_sandbox_approve",
            "shipping_address": address,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return client, response.json()


def dealer_api(network, dealer):
    return portal_api(network["admins"][dealer.pk])


def held(dealer, product):
    return DealerStock.objects.get(dealer=dealer, product=product).num_allocated


def test_a_berlin_order_is_offered_to_the_better_rated_berlin_dealer(network, committed):
    with committed():
        _, body = buy(network["bike"])

    assert body["fulfilment"] == {
        "by": "dealer",
        "dealer": {"id": network["best"].pk, "name": "Berlin Bikes"},
        "status": "offered",
        "tracking_number": None,
        "carrier": None,
    }
    routing = DealerRouting.objects.get(order__number=body["number"])
    by_dealer = {c["dealer"]: c for c in routing.candidates}
    assert by_dealer[network["second"].pk]["lost_at"] == "rating"
    assert by_dealer[network["munich"].pk]["lost_at"] == "territory"
    assert "Berlin Bikes" in routing.why
    assert held(network["best"], network["bike"]) == 1
    # The manufacturer's warehouse holds nothing for a dealer order.
    assert network["bike"].stockrecords.get().num_allocated in (0, None)
    events = [m.payload.get("type") for m in OutboxMessage.objects.filter(topic="webhook.event")]
    assert "dealer.order_offered" in events
    assert any("offered to Berlin Bikes" in m.subject for m in mail.outbox)


def test_a_direct_product_stays_direct(network):
    _, body = buy(network["direct"])
    assert body["fulfilment"]["by"] == "direct"
    assert body["fulfilment"]["dealer"] is None
    assert not DealerRouting.objects.exists()


def test_rejection_reroutes_to_the_other_berlin_dealer(network):
    _, body = buy(network["bike"])
    number = body["number"]

    response = dealer_api(network, network["best"]).post(
        f"/api/dealer/orders/{number}/reject/", {"reason": "Out of stock in store"}, format="json"
    )

    assert response.status_code == 200, response.content
    routing = DealerRouting.objects.get(order__number=number)
    assert (routing.dealer_id, routing.status) == (network["second"].pk, "offered")
    assert held(network["best"], network["bike"]) == 0
    assert held(network["second"], network["bike"]) == 1
    offer = DealerOffer.objects.get(dealer=network["best"])
    assert (offer.status, offer.reason) == ("rejected", "Out of stock in store")
    # The first dealer no longer sees it.
    gone = dealer_api(network, network["best"]).get(f"/api/dealer/orders/{number}/")
    assert gone.status_code == 404


def test_reject_needs_a_reason(network):
    _, body = buy(network["bike"])
    response = dealer_api(network, network["best"]).post(
        f"/api/dealer/orders/{body['number']}/reject/", {}, format="json"
    )
    assert response.status_code == 400
    assert DealerRouting.objects.get().dealer_id == network["best"].pk


def test_a_lapsed_offer_reroutes_by_the_scheduled_task(network):
    buy(network["bike"])
    DealerOffer.objects.update(deadline=timezone.now() - timedelta(minutes=1))

    assert lapse_dealer_offers() == 1

    routing = DealerRouting.objects.get()
    assert (routing.dealer_id, routing.status) == (network["second"].pk, "offered")
    assert DealerOffer.objects.get(dealer=network["best"]).status == "lapsed"
    assert lapse_dealer_offers() == 0


def test_when_every_dealer_declines_the_order_goes_direct(network):
    _, body = buy(network["bike"])
    order = Order.objects.get(number=body["number"])
    services.dealer_offer_reject(order=order, dealer=network["best"], reason="no")
    services.dealer_offer_reject(order=order, dealer=network["second"], reason="no")

    routing = DealerRouting.objects.get()
    assert (routing.by, routing.dealer_id, routing.status) == ("direct", None, "direct")
    assert network["bike"].stockrecords.get().num_allocated == 1


def test_accept_ship_and_deliver_in_the_dealer_api(network, committed):
    consumer, body = buy(network["bike"])
    number = body["number"]
    dealer = dealer_api(network, network["best"])

    listed = dealer.get("/api/dealer/orders/?status=offered").json()
    assert [row["number"] for row in listed["results"]] == [number]
    assert listed["results"][0]["customer"]["postcode"] == "10115"
    assert listed["results"][0]["seconds_left"] > 0

    assert dealer.post(f"/api/dealer/orders/{number}/accept/").status_code == 200
    assert Order.objects.get(number=number).status == "Processing"
    with committed():
        shipped = dealer.post(
            f"/api/dealer/orders/{number}/ship/",
            {"carrier": "DHL", "tracking_number": "JD0001"},
            format="json",
        )
    assert shipped.status_code == 200, shipped.content
    assert shipped.json()["status"] == "shipped"
    assert Order.objects.get(number=number).status == "Shipped"
    assert "Delivered by Berlin Bikes: DHL, tracking number JD0001" in mail.outbox[-1].body
    stock = DealerStock.objects.get(dealer=network["best"], product=network["bike"])
    assert (stock.num_in_stock, stock.num_allocated) == (4, 0)

    seen = consumer.get(f"/api/orders/{number}/").json()["fulfilment"]
    assert seen == {
        "by": "dealer",
        "dealer": {"id": network["best"].pk, "name": "Berlin Bikes"},
        "status": "shipped",
        "tracking_number": "JD0001",
        "carrier": "DHL",
    }

    assert dealer.post(f"/api/dealer/orders/{number}/delivered/").status_code == 200
    assert Order.objects.get(number=number).status == "Completed"
    entry = DealerLedgerEntry.objects.get()
    assert (entry.dealer_id, entry.kind) == (network["best"].pk, "commission")
    assert entry.amount > 0


def test_another_dealers_order_is_a_404(network):
    _, body = buy(network["bike"])
    other = dealer_api(network, network["second"])
    number = body["number"]
    assert other.get(f"/api/dealer/orders/{number}/").status_code == 404
    assert other.post(f"/api/dealer/orders/{number}/accept/").status_code == 404
    assert DealerRouting.objects.get().status == "offered"


def test_ship_before_accept_is_refused(network):
    _, body = buy(network["bike"])
    response = dealer_api(network, network["best"]).post(
        f"/api/dealer/orders/{body['number']}/ship/",
        {"carrier": "DHL", "tracking_number": "X"},
        format="json",
    )
    assert response.status_code == 409
    assert Order.objects.get().status == "Placed"


def test_a_non_dealer_member_is_refused(network):
    buyer = factories.MembershipFactory(company=factories.CompanyFactory(status="active")).user
    assert portal_api(buyer).get("/api/dealer/orders/").status_code == 403


def test_the_dealer_sets_its_stock_by_sku(network):
    dealer = dealer_api(network, network["second"])
    sku = network["bike"].upc
    response = dealer.post("/api/dealer/stock/", [{"sku": sku, "quantity": 12}], format="json")
    assert response.status_code == 200, response.content
    assert (
        DealerStock.objects.get(dealer=network["second"], product=network["bike"]).num_in_stock
        == 12
    )

    bad = dealer.post(
        "/api/dealer/stock/",
        [{"sku": sku, "quantity": 1}, {"sku": "NOPE", "quantity": 1}],
        format="json",
    )
    assert bad.status_code == 400
    assert (
        DealerStock.objects.get(dealer=network["second"], product=network["bike"]).num_in_stock
        == 12
    )
    assert (
        dealer.post("/api/dealer/stock/", [{"sku": sku, "quantity": -1}], format="json").status_code
        == 400
    )


def test_the_locator_lists_berlin_dealers_with_stock(network):
    response = storefront_api().get(f"/api/dealers/?postcode=10115&product={network['bike'].pk}")
    assert response.status_code == 200
    rows = response.json()
    assert {row["name"] for row in rows} == {"Berlin Bikes", "Spree Cycles"}
    assert all(row["in_stock"] for row in rows)
    assert all(set(row) == {"id", "name", "distance_km", "rating", "in_stock"} for row in rows)
    assert storefront_api().get("/api/dealers/?postcode=").status_code == 400


def test_products_say_how_they_are_fulfilled(network):
    client = storefront_api()
    rows = {row["id"]: row["fulfilment"] for row in client.get("/api/products/").json()["results"]}
    assert rows == {network["bike"].pk: "dealer", network["direct"].pk: "direct"}
    detail = client.get(f"/api/products/{network['bike'].pk}/").json()
    assert detail["fulfilment"] == "dealer"
