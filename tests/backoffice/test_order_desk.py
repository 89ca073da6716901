"""The order desk: one list over both sites, its filters, bulk status changes
through the transitions service, CSV, the detail page, and its query count."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.approvals.services import approval_decide
from commerce.billing import credit
from commerce.billing.payments import payment_record
from commerce.fulfilment.transitions import order_set_status
from commerce.order.exceptions import IllegalStatusChange
from tests import factories
from tests.backoffice.conftest import (
    dashboard_client,
    invoiced,
    pending_order,
    place_portal,
    place_storefront,
    placed_at,
    staff,
)

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def numbers(response) -> set[str]:
    assert response.status_code == 200
    return {str(order.number) for order in response.context["orders"]}


@pytest.fixture
def desk():
    return dashboard_client(staff("credit_controller"))


@pytest.fixture
def orders(acme, globex):
    return {
        "acme": place_portal(acme),
        "acme_card": place_portal(acme, payment="card"),
        "globex": place_portal(globex),
        "consumer": place_storefront(),
    }


def num(*orders) -> set[str]:
    return {str(o.number) for o in orders}


def test_the_desk_lists_orders_from_both_sites(desk, orders):
    assert numbers(desk.get("/dashboard/orders/")) == num(*orders.values())


def test_filter_by_site(desk, orders, settings):
    storefront = desk.get("/dashboard/orders/", {"site": settings.STOREFRONT_SITE_ID})
    portal = desk.get("/dashboard/orders/", {"site": settings.PORTAL_SITE_ID})

    assert numbers(storefront) == num(orders["consumer"])
    assert numbers(portal) == num(orders["acme"], orders["acme_card"], orders["globex"])
    assert "Site is Storefront" in storefront.context["search_filters"]


def test_filter_by_company(desk, orders, globex):
    assert numbers(desk.get("/dashboard/orders/", {"company": globex.pk})) == num(orders["globex"])


def test_filter_by_status(desk, orders):
    from commerce.fulfilment.transitions import order_set_status

    order_set_status(order=orders["globex"], status="Processing")

    assert numbers(desk.get("/dashboard/orders/", {"status": "Processing"})) == num(
        orders["globex"]
    )


def test_filter_by_payment_method(desk, orders):
    card = desk.get("/dashboard/orders/", {"payment_method": "card"})
    account = desk.get("/dashboard/orders/", {"payment_method": "account"})

    assert numbers(card) == num(orders["acme_card"], orders["consumer"])
    assert numbers(account) == num(orders["acme"], orders["globex"])


def test_filter_by_date_range(desk, orders):
    now = timezone.now()
    placed_at(orders["acme"], now - timedelta(days=40))
    placed_at(orders["globex"], now - timedelta(days=10))
    today = timezone.localdate()

    window = desk.get(
        "/dashboard/orders/",
        {
            "date_from": (today - timedelta(days=45)).isoformat(),
            "date_to": (today - timedelta(days=5)).isoformat(),
        },
    )
    backwards = desk.get(
        "/dashboard/orders/",
        {"date_from": today.isoformat(), "date_to": (today - timedelta(days=5)).isoformat()},
    )

    assert numbers(window) == num(orders["acme"], orders["globex"])
    assert backwards.status_code == 200
    assert "must not be after" in backwards.content.decode()


def test_filter_pending_approval(desk, orders, acme):
    waiting = pending_order(acme)

    assert numbers(desk.get("/dashboard/orders/", {"pending_approval": "on"})) == num(waiting)


def test_filter_overdue(desk, orders):
    invoiced(orders["acme"], days_overdue=5)
    invoiced(orders["globex"])  # due later: not overdue

    response = desk.get("/dashboard/orders/", {"overdue": "on"})

    assert numbers(response) == num(orders["acme"])
    assert "Overdue" in response.content.decode()


def test_a_paid_overdue_invoice_is_not_overdue(desk, orders):
    invoice = invoiced(orders["acme"], days_overdue=5)
    payment_record(
        account=invoice.account,
        amount=invoice.total,
        currency=invoice.currency,
        received_on=timezone.localdate(),
        reference="BANK-1",
        actor=None,
    )

    assert numbers(desk.get("/dashboard/orders/", {"overdue": "on"})) == set()


def test_oscar_search_still_works(desk, orders):
    number = str(orders["globex"].number)

    response = desk.get("/dashboard/orders/", {"order_number": number, "response_format": "csv"})

    assert [
        row["Order number"] for row in csv.DictReader(io.StringIO(response.content.decode()))
    ] == [number]


def test_csv_export_of_the_filtered_list(desk, orders, acme):
    response = desk.get("/dashboard/orders/", {"company": acme.pk, "response_format": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert {r["Order number"] for r in rows} == num(orders["acme"], orders["acme_card"])
    by_number = {r["Order number"]: r for r in rows}
    acme_row = by_number[str(orders["acme"].number)]
    assert acme_row["Company"] == "Acme Industrial"
    assert acme_row["Payment method"] == "On account"
    assert acme_row["Site"] == "Portal"
    assert acme_row["Overdue invoice"] == "no"


def test_bulk_status_change_moves_legal_orders_and_reports_each_refusal(desk, orders, acme):
    from commerce.fulfilment.transitions import order_set_status

    order_set_status(order=orders["globex"], status="Cancelled")
    exposure_before = credit.exposure_of(credit.account_for_company(acme))
    selected = [orders["acme"], orders["globex"], orders["consumer"]]

    response = desk.post(
        "/dashboard/orders/",
        {
            "action": "change_order_statuses",
            "new_status": "Cancelled",
            "selected_order": [o.pk for o in selected],
        },
        follow=True,
    )

    statuses = dict(Order.objects.values_list("number", "status"))
    assert statuses[str(orders["acme"].number)] == "Cancelled"
    assert statuses[str(orders["consumer"].number)] == "Cancelled"
    assert statuses[str(orders["acme_card"].number)] == "Placed"  # not selected
    text = [str(m) for m in response.context["messages"]]
    assert any("2 order(s) moved to Cancelled" in m for m in text)
    assert any(str(orders["globex"].number) in m and "cannot become Cancelled" in m for m in text)
    # Same side effects as a single change: the held credit is released.
    assert credit.exposure_of(credit.account_for_company(acme)) == exposure_before - Decimal(
        orders["acme"].total_incl_tax
    )


def test_bulk_change_to_an_unknown_status_changes_nothing(desk, orders):
    response = desk.post(
        "/dashboard/orders/",
        {
            "action": "change_order_statuses",
            "new_status": "Teleported",
            "selected_order": [orders["acme"].pk],
        },
        follow=True,
    )

    assert Order.objects.get(pk=orders["acme"].pk).status == "Placed"
    assert any("Choose the status" in str(m) for m in response.context["messages"])


def test_a_refused_order_is_left_exactly_as_it_was(desk, orders):
    order = orders["acme"]
    from commerce.fulfilment.transitions import order_set_status

    order_set_status(order=order, status="Shipped")
    notes_before = order.notes.count()
    changes_before = order.status_changes.count()

    desk.post(
        "/dashboard/orders/",
        {
            "action": "change_order_statuses",
            "new_status": "Processing",
            "selected_order": [order.pk],
        },
    )

    order.refresh_from_db()
    assert order.status == "Shipped"
    assert order.notes.count() == notes_before
    assert order.status_changes.count() == changes_before


def test_the_detail_shows_price_reasons_approvals_invoices_and_payer(desk, acme):
    people = {
        r: factories.MembershipFactory(company=acme, role=r).user for r in ("buyer", "approver")
    }
    order = pending_order(acme)
    approval_decide(
        request=order.approval,
        approver=people["approver"],
        decision="approve",
        comment="Fine by me",
    )
    order.refresh_from_db()
    invoice = invoiced(order)
    payer = factories.UserFactory(email="payer@example.com")
    Order.objects.filter(pk=order.pk).update(
        paid_by=payer, payer_email=payer.email, po_number="PO-77"
    )

    page = desk.get(f"/dashboard/orders/{order.number}/").content.decode()

    line = order.lines.get()
    assert line.price_reason and line.price_reason in page
    assert "Fine by me" in page
    assert people["approver"].email in page
    assert invoice.number in page
    assert "payer@example.com" in page
    assert "PO-77" in page
    assert "Acme Industrial" in page
    assert "Portal" in page


def test_the_list_renders_in_a_constant_number_of_queries(desk, acme, globex):
    def count(n_orders):
        desk.get("/dashboard/orders/")  # warms the session and the user's access
        with CaptureQueriesContext(connection) as queries:
            response = desk.get("/dashboard/orders/")
        assert len(response.context["orders"]) == n_orders
        return len(queries)

    for _ in range(2):
        place_portal(acme)
    place_storefront()
    small = count(3)
    for company in (acme, globex, acme, globex, acme):
        place_portal(company, quantity=2)
    invoiced(Order.objects.filter(company=acme).first(), days_overdue=3)
    pending_order(globex)
    place_storefront()
    large = count(10)

    assert small == large
    assert large <= 10


def test_a_sales_rep_sees_only_their_companies_orders(orders, acme):
    rep = staff("sales_rep")
    acme.sales_reps.add(rep)
    client = dashboard_client(rep)

    assert numbers(client.get("/dashboard/orders/")) == num(orders["acme"], orders["acme_card"])
    assert client.get(f"/dashboard/orders/{orders['globex'].number}/").status_code == 404
    assert client.get(f"/dashboard/orders/{orders['consumer'].number}/").status_code == 404
    assert client.get(f"/dashboard/orders/{orders['acme'].number}/").status_code == 200
    stats = client.get("/dashboard/orders/statistics/")
    assert stats.context["total_orders"] == 2


def test_nobody_moves_an_order_past_its_approvers(desk, acme):
    order = pending_order(acme)
    stock_before = order.lines.get().stockrecord.num_allocated

    response = desk.post(
        "/dashboard/orders/",
        {"action": "change_order_statuses", "selected_order": [order.pk], "new_status": "Placed"},
        follow=True,
    )
    page = desk.get(f"/dashboard/orders/{order.number}/").content.decode()
    with pytest.raises(IllegalStatusChange, match="approvers"):
        order_set_status(order=order, status="Cancelled")

    order.refresh_from_db()
    assert order.status == "Pending approval"
    assert order.approval.status == "pending"
    assert order.lines.get().stockrecord.num_allocated == stock_before
    assert "waiting for its company&#x27;s approvers" in response.content.decode()
    assert 'id="awaiting_approval"' in page and 'value="change_order_status"' not in page


@pytest.mark.parametrize(
    "post",
    [
        {"line_action": "change_line_statuses", "new_status": "Placed"},
        {"line_action": "create_shipping_event", "shipping_event_type": "1"},
        {"order_action": "create_order_payment_event", "amount": "1.00"},
    ],
)
def test_lines_of_an_order_waiting_for_approval_cannot_be_moved_or_shipped(desk, acme, post):
    order = pending_order(acme)
    line = order.lines.get()

    response = desk.post(
        f"/dashboard/orders/{order.number}/",
        {**post, "selected_line": [line.pk], f"selected_line_qty_{line.pk}": 1},
        follow=True,
    )

    line.refresh_from_db()
    order.refresh_from_db()
    assert "waiting for its company&#x27;s approvers" in response.content.decode()
    assert (order.status, line.status) == ("Pending approval", "Pending approval")
    assert not order.shipping_events.exists() and not order.payment_events.exists()
