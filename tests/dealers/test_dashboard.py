"""Staff pages of the dealer network, and what a cancellation gives back."""

import pytest
from oscar.core.loading import get_model

from commerce.dealers import services
from commerce.dealers.models import DealerLedgerEntry, DealerRouting, DealerStock
from commerce.dealers.tasks import lapse_dealer_offers
from commerce.fulfilment.transitions import order_set_status
from tests import factories
from tests.backoffice.conftest import dashboard_client
from tests.dealers.test_flow import buy
from tests.helpers import page_queries

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


@pytest.fixture
def staff_client(db):
    return dashboard_client(factories.UserFactory(is_staff=True, is_superuser=True))


def test_dealer_list_has_constant_queries(network, staff_client):
    few, _ = page_queries(staff_client, "/dashboard/dealers/")
    for n in range(5):
        from tests.dealers.conftest import make_dealer

        make_dealer(f"Extra {n}")
    many, response = page_queries(staff_client, "/dashboard/dealers/")
    assert many == few
    assert b"Berlin Bikes" in response.content


def test_dealer_profile_edit_and_bad_prefixes(network, staff_client):
    url = f"/dashboard/dealers/{network['second'].pk}/"
    assert staff_client.get(url).status_code == 200
    form = {
        "status": "paused",
        "country": "DE",
        "postcode_prefixes": "10, 12",
        "hours_to_accept": 12,
        "hours_to_ship": 48,
        "daily_capacity": 10,
        "commission_rate": "8.50",
        "rating": "4.50",
        "data_access_days": 30,
    }
    assert staff_client.post(url, form).status_code == 302
    network["second"].refresh_from_db()
    assert (network["second"].status, network["second"].postcode_prefixes) == (
        "paused",
        ["10", "12"],
    )
    bad = staff_client.post(url, {**form, "postcode_prefixes": "10, <b>", "status": "active"})
    assert bad.status_code == 200
    network["second"].refresh_from_db()
    assert network["second"].status == "paused"


def test_dry_run_and_reroute_by_hand(network, staff_client):
    _, body = buy(network["bike"])
    number = body["number"]
    dry = staff_client.get(f"/dashboard/dealers/dry-run/?order={number}")
    assert dry.status_code == 200
    assert dry.context["result"]["decision"].dealer == network["best"].pk
    by_postcode = staff_client.get(
        f"/dashboard/dealers/dry-run/?postcode=80331&products={network['bike'].pk}"
    )
    assert by_postcode.context["result"]["decision"].dealer == network["munich"].pk

    response = staff_client.post(f"/dashboard/dealers/orders/{number}/reroute/")

    assert response.status_code == 302
    assert DealerRouting.objects.get().dealer_id == network["second"].pk
    assert staff_client.get("/dashboard/dealers/offers/?status=withdrawn").status_code == 200


def test_settlement_csv_lists_the_commission(network, staff_client):
    _, body = buy(network["bike"])
    order = Order.objects.get(number=body["number"])
    best = network["best"]
    services.dealer_offer_accept(order=order, dealer=best)
    services.dealer_order_ship(order=order, dealer=best, carrier="DHL", tracking_number="1")
    services.dealer_order_delivered(order=order, dealer=best)
    entry = DealerLedgerEntry.objects.get()
    # 10% default commission on the line price excl. tax
    assert entry.amount == (order.lines.get().line_price_before_discounts_excl_tax / 10).quantize(
        entry.amount
    )
    month = entry.created_at
    response = staff_client.get(
        f"/dashboard/dealers/{best.pk}/settlement/{month.year}-{month.month}.csv"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert order.number in text and f"{entry.amount:.2f}" in text
    pdf = staff_client.get(
        f"/dashboard/dealers/{best.pk}/settlement/{month.year}-{month.month}.pdf"
    )
    assert (pdf.status_code, pdf.content[:4]) == (200, b"%PDF")
    reversal = services.dealer_commission_reverse(order=order, reason="refund")
    assert reversal.amount == -entry.amount
    assert services.dealer_commission_reverse(order=order) is None
    with pytest.raises(ValueError):
        entry.save()


def test_a_cancelled_order_gives_the_dealer_stock_back(network):
    _, body = buy(network["bike"])
    order = Order.objects.get(number=body["number"])
    order_set_status(order=order, status="Cancelled")

    lapse_dealer_offers()

    assert DealerRouting.objects.get().status == "cancelled"
    assert (
        DealerStock.objects.get(dealer=network["best"], product=network["bike"]).num_allocated == 0
    )
    response = services.dealer_order_cancelled(order_id=order.pk)
    assert response is False


def test_staff_onboard_a_dealer_and_record_a_payout(network, staff_client):
    company = factories.CompanyFactory(name="Elbe Rad", status="active")
    assert staff_client.get("/dashboard/dealers/new/").status_code == 200
    bad = staff_client.post(
        "/dashboard/dealers/new/", {"company": company.pk, "postcode_prefixes": "<x>"}
    )
    assert bad.status_code == 200
    response = staff_client.post(
        "/dashboard/dealers/new/", {"company": company.pk, "postcode_prefixes": "01, 02"}
    )
    assert response.status_code == 302
    dealer = company.dealer_profile
    assert (dealer.status, dealer.postcode_prefixes) == ("paused", ["01", "02"])

    staff_client.post(f"/dashboard/dealers/{dealer.pk}/payouts/", {"amount": "-5"})
    assert not DealerLedgerEntry.objects.exists()
    staff_client.post(
        f"/dashboard/dealers/{dealer.pk}/payouts/", {"amount": "25.00", "memo": "May"}
    )
    assert DealerLedgerEntry.objects.get().amount == -25
