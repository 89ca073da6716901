"""Dealer analytics against hand-computed figures on a fixed data set
(November 2026), for staff (every dealer, by region) and for one dealer (its
own figures; the others only anonymised in the rank)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from commerce.dealers.models import DealerOffer, DealerRouting
from commerce.leads.analytics import dealer_figures
from commerce.leads.models import Attribution, Lead, LeadOffer, SalesPlan, Survey
from tests import factories
from tests.api.conftest import portal_api, storefront_api
from tests.dealers.conftest import make_dealer

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
PERIOD = "from=2026-11-01&to=2026-11-30"


def at(day, hour=12, month=11):
    return datetime(2026, month, day, hour, tzinfo=UTC)


def routed(
    dealer,
    number,
    net,
    placed,
    *,
    status="accepted",
    postcode="10115",
    offered=None,
    accepted_hours=None,
    shipped_hours=None,
    offer_status="accepted",
):
    order = Order.objects.create(
        number=number,
        site_id=settings.STOREFRONT_SITE_ID,
        total_incl_tax=Decimal(net) * Decimal("1.19"),
        total_excl_tax=Decimal(net),
        status="Processing",
        date_placed=placed,
    )
    accepted = placed + timedelta(hours=accepted_hours) if accepted_hours is not None else None
    DealerRouting.objects.create(
        order=order,
        by="dealer",
        dealer=dealer,
        status=status,
        postcode=postcode,
        country="DE",
        accepted_at=accepted,
        shipped_at=accepted + timedelta(hours=shipped_hours) if shipped_hours else None,
    )
    DealerOffer.objects.create(
        order=order,
        dealer=dealer,
        status=offer_status,
        offered_at=placed,
        deadline=placed + timedelta(hours=24),
        decided_at=accepted,
    )
    return order


def lead(dealer, *, status, accepted=None, postcode="10115", **fields):
    return Lead.objects.create(
        name="C",
        email="c@example.com",
        postcode=postcode,
        country="DE",
        status=status,
        dealer=dealer,
        accepted_at=accepted,
        **fields,
    )


def lead_offer(lead, dealer, status, offered, hours=None):
    return LeadOffer.objects.create(
        lead=lead,
        dealer=dealer,
        status=status,
        offered_at=offered,
        deadline=offered + timedelta(hours=24),
        decided_at=offered + timedelta(hours=hours) if hours is not None else None,
    )


@pytest.fixture
def data(network):
    best, second = network["best"], network["second"]
    o1 = routed(
        best, "A1", "500.00", at(5, 10), status="delivered", accepted_hours=2, shipped_hours=24
    )
    o2 = routed(best, "A2", "300.00", at(10, 8), postcode="10117", accepted_hours=4)
    routed(best, "A3", "1000.00", at(20, month=10), status="delivered", accepted_hours=1)
    # A4: lapsed by the first dealer, accepted by the second 6 h after its offer.
    o4 = routed(second, "A4", "200.00", at(12, 6), postcode="12043", accepted_hours=6)
    DealerOffer.objects.create(
        order=o4,
        dealer=best,
        status="lapsed",
        offered_at=at(12, 0),
        deadline=at(12, 5),
        decided_at=at(12, 5),
    )
    l1 = lead(
        best,
        status="won",
        accepted=at(3, 13),
        contacted_at=at(4),
        quoted_at=at(5),
        quoted_amount=Decimal("950.00"),
        won_amount=Decimal("900.00"),
        closed_at=at(8),
    )
    lead_offer(l1, best, "accepted", at(3, 10), hours=3)
    l2 = lead(second, status="offered")
    lead_offer(l2, best, "rejected", at(7, 10), hours=1)
    lead_offer(l2, second, "offered", at(7, 11))
    l3 = lead(best, status="lost", accepted=at(15, 13), lost_reason="price", closed_at=at(20))
    lead_offer(l3, best, "accepted", at(15, 10), hours=3)
    for stars, when in ((5, at(9)), (4, at(21)), (1, at(2, month=10))):
        Survey.objects.create(
            dealer=best,
            order=None,
            lead=lead(best, status="won"),
            email="s@example.com",
            stars=stars,
            answered_at=when,
        )
    SalesPlan.objects.create(month=date(2026, 11, 1), dealer=best, target=Decimal("1500.00"))
    SalesPlan.objects.create(month=date(2026, 10, 1), dealer=best, target=Decimal("2000.00"))
    SalesPlan.objects.create(month=date(2026, 11, 1), region="10", target=Decimal("2500.00"))
    SalesPlan.objects.create(month=date(2026, 11, 1), region="80", target=Decimal("100.00"))
    Attribution.objects.create(order=o1, source="locator")
    Attribution.objects.create(order=o2, source="campaign", detail={"utm_source": "news"})
    return network


BEST = {
    "orders": 2,
    "revenue": "800.00",
    # accepted 2 order + 2 lead offers; 1 lead offer rejected; 1 order offer lapsed
    "acceptance_rate": 0.6667,
    "offers": {"accepted": 4, "rejected": 1, "lapsed": 1},
    "lapsed_offers": 1,
    "time_to_accept_hours": 3.0,  # (2 + 4 + 3 + 3) / 4
    "time_to_ship_hours": 24.0,
    "leads": {
        "offered": 3,
        "accepted": 2,
        "contacted": 1,
        "quoted": 1,
        "won": 1,
        "lost": 1,
        "stale": 0,
        "won_value": "900.00",
        "conversion": {"accepted": 0.6667, "quoted": 0.3333, "won": 0.3333},
    },
    "satisfaction": {"average": "4.50", "count": 2},
    "plan": "1500.00",
    "actual": "1700.00",  # 800.00 orders + 900.00 won lead
    "attainment": 1.1333,
    "months": [{"month": "2026-11", "plan": "1500.00", "actual": "1700.00"}],
}


def test_one_dealer_sees_its_own_figures_and_an_anonymised_rank(data):
    response = portal_api(data["admins"][data["best"].pk]).get(f"/api/dealer/analytics/?{PERIOD}")
    assert response.status_code == 200, response.content
    body = response.json()
    for key, value in BEST.items():
        assert body[key] == value, key
    assert body["region"] == "10"
    # The stored rating (routing uses it) and the formula's parts today.
    assert body["rating"]["rating"] == "4.80"
    assert set(body["rating"]) == {"rating", "satisfaction", "acceptance", "on_time"}
    assert body["rank"]["position"] == 1
    assert [row["label"] for row in body["rank"]["board"]] == ["You", "Dealer 2", "Dealer 3"]
    assert body["revenue_by_source"] == {
        "locator": {"orders": 1, "revenue": "500.00"},
        "campaign": {"orders": 1, "revenue": "300.00"},
    }


def test_another_dealer_never_sees_the_first_ones_figures(data):
    response = portal_api(data["admins"][data["second"].pk]).get(f"/api/dealer/analytics/?{PERIOD}")
    body = response.json()
    assert (body["orders"], body["revenue"], body["acceptance_rate"]) == (1, "200.00", 1.0)
    assert body["leads"]["offered"] == 1
    assert body["leads"]["accepted"] == 0
    assert (body["plan"], body["actual"], body["attainment"]) == (None, "200.00", None)
    assert body["rank"]["position"] == 2
    assert [r["label"] for r in body["rank"]["board"]] == ["Dealer 1", "You", "Dealer 3"]
    text = response.content.decode()
    assert "Berlin Bikes" not in text and "Isar Rad" not in text
    assert body["revenue_by_source"] == {}


def test_bad_dates_are_a_400(data):
    client = portal_api(data["admins"][data["best"].pk])
    assert client.get("/api/dealer/analytics/?from=2026-13-01").status_code == 400
    assert client.get("/api/dealer/analytics/?from=2026-11-30&to=2026-11-01").status_code == 400
    assert storefront_api().get("/api/reports/dealers/").status_code in (401, 403)


def test_staff_report_one_row_per_dealer_with_region(data):
    staff = factories.StaffFactory()
    response = portal_api(staff).get(f"/api/reports/dealers/?{PERIOD}")
    assert response.status_code == 200, response.content
    body = response.json()
    rows = {row["dealer"]["name"]: row for row in body["results"]}
    assert list(rows) == ["Berlin Bikes", "Spree Cycles", "Isar Rad"]
    for key, value in BEST.items():
        assert rows["Berlin Bikes"][key] == value, key
    assert rows["Spree Cycles"]["region"] == "10"
    assert rows["Isar Rad"]["region"] == "80"
    assert (rows["Isar Rad"]["orders"], rows["Isar Rad"]["acceptance_rate"]) == (0, None)
    assert body["regions"] == [
        {
            "region": "10",
            "month": "2026-11",
            "plan": "2500.00",
            "actual": "1700.00",
            "missed": True,
        },
        {"region": "12", "month": "2026-11", "plan": None, "actual": "200.00", "missed": False},
        {"region": "80", "month": "2026-11", "plan": "100.00", "actual": "0.00", "missed": True},
    ]


def test_staff_without_the_reports_section_are_refused(data):
    clerk = factories.UserFactory(is_staff=True)
    assert portal_api(clerk).get("/api/reports/dealers/").status_code == 403
    member = data["admins"][data["best"].pk]
    assert portal_api(member).get("/api/reports/dealers/").status_code == 403


def test_constant_queries_whatever_the_number_of_dealers(data):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            dealer_figures(date(2026, 11, 1), date(2026, 11, 30))
        return len(ctx.captured_queries)

    before = queries()
    for n in range(3):
        dealer = make_dealer(f"Extra {n}", prefixes=("20",))
        routed(dealer, f"X{n}", "10.00", at(6), postcode="20095", accepted_hours=1)
        SalesPlan.objects.create(month=date(2026, 11, 1), dealer=dealer, target=Decimal("5"))
    assert queries() == before
