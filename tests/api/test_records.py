"""Orders, approvals, invoices and payments: scoped to the caller's company
(another company's ids are 404), paginated in constant queries."""

from datetime import date
from decimal import Decimal

import pytest

from commerce.approvals.models import ApprovalRule
from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import Invoice, Payment
from commerce.fulfilment.transitions import order_set_status, order_ship
from commerce.order import status as order_status
from tests import factories
from tests.api.conftest import assert_error, portal_api, storefront_api
from tests.approvals.conftest import place
from tests.helpers import page_queries

pytestmark = pytest.mark.django_db


def shipped_and_invoiced(company, user, net="100.00"):
    order = place(company, user, net=net)
    order_set_status(order=order, status=order_status.PROCESSING)
    order_ship(order=order)
    return invoice_for_shipped(order_id=order.pk)


# --- orders ---------------------------------------------------------------------------


def test_company_orders_with_lines_and_history(company, people):
    order = place(company, people["buyer"], net="40.00", quantity=2)
    order_set_status(order=order, status=order_status.PROCESSING, actor=people["admin"])

    listed = portal_api(people["viewer"]).get("/api/orders/").json()
    detail = portal_api(people["viewer"]).get(f"/api/orders/{order.number}/").json()

    assert [o["number"] for o in listed["results"]] == [str(order.number)]
    assert detail["lines"] == [
        {
            "id": order.lines.get().pk,
            "sku": order.lines.get().upc,
            "title": order.lines.get().title,
            "quantity": 2,
            "unit_price": "40.00",
            "unit_price_incl_tax": "47.60",
            "line_price_excl_tax": "80.00",
            "line_price_incl_tax": "95.20",
            "reason": "List price",
            "rule": "list",
            "status": order_status.PROCESSING,
        }
    ]
    assert [(h["old_status"], h["new_status"]) for h in detail["history"]] == [
        (order_status.PLACED, order_status.PROCESSING)
    ]


def test_storefront_orders_are_the_persons_own(company, people):
    place(company, people["buyer"])
    assert storefront_api(people["buyer"]).get("/api/orders/").json()["count"] == 0


def test_another_companys_order_is_not_found(company, people, other_company, outsider):
    theirs = place(other_company, outsider)
    assert_error(portal_api(people["admin"]).get(f"/api/orders/{theirs.number}/"), 404, "not_found")
    assert portal_api(people["admin"]).get("/api/orders/").json()["count"] == 0


def test_order_list_queries_do_not_grow_with_the_page(company, people):
    client = portal_api(people["viewer"])
    for _ in range(2):
        place(company, people["buyer"], quantity=2)
    small, body = page_queries(client, "/api/orders/?page_size=2")
    body = body.json()
    for _ in range(8):
        place(company, people["buyer"], quantity=2)
    large, body = page_queries(client, "/api/orders/?page_size=10")
    body = body.json()
    assert len(body["results"]) == 10
    assert large == small


# --- approvals ------------------------------------------------------------------------


@pytest.fixture
def pending(company, people):
    ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal("10.00"))
    return place(company, people["buyer"], net="100.00").approval


def test_the_inbox_lists_pending_requests_with_their_rules(pending, people):
    body = portal_api(people["approver"]).get("/api/approvals/").json()
    [item] = body["results"]
    assert (item["id"], item["order"], item["status"], item["requested_by"]) == (
        pending.pk,
        str(pending.order.number),
        "pending",
        "buyer@acme.example",
    )
    assert item["rules"] and item["decisions"] == []


def test_reject_needs_a_comment_and_then_rejects(pending, people):
    client = portal_api(people["approver"])
    refused = client.post(f"/api/approvals/{pending.pk}/reject/", {}, format="json")
    assert_error(refused, 400, "invalid_rule")

    rejected = client.post(
        f"/api/approvals/{pending.pk}/reject/", {"comment": "too much"}, format="json"
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decisions"][0]["comment"] == "too much"


def test_the_requester_cannot_approve_their_own_order(pending, people, company):
    # the buyer's role does not approve: the policy refuses before the service
    response = portal_api(people["buyer"]).post(f"/api/approvals/{pending.pk}/approve/")
    assert_error(response, 403, "permission_denied")


def test_an_approver_who_requested_gets_not_approver(company, people):
    ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal("10.00"))
    own = place(company, people["approver"], net="100.00").approval
    response = portal_api(people["approver"]).post(f"/api/approvals/{own.pk}/approve/")
    assert_error(response, 403, "not_approver")


def test_deciding_twice_is_already_decided(pending, people):
    client = portal_api(people["approver"])
    assert client.post(f"/api/approvals/{pending.pk}/approve/").status_code == 200
    assert_error(client.post(f"/api/approvals/{pending.pk}/approve/"), 409, "already_decided")


def test_another_companys_approval_is_not_found(pending, outsider):
    client = portal_api(outsider)
    assert_error(client.post(f"/api/approvals/{pending.pk}/approve/"), 404, "not_found")
    assert_error(
        client.post(f"/api/approvals/{pending.pk}/reject/", {"comment": "x"}, format="json"),
        404,
        "not_found",
    )
    assert client.get("/api/approvals/?status=all").json()["count"] == 0


def test_approvals_are_served_on_the_portal(people, pending):
    assert_error(
        storefront_api(people["approver"]).get("/api/approvals/"), 403, "permission_denied"
    )


def test_approval_list_queries_do_not_grow_with_the_page(company, people):
    ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal("10.00"))
    client = portal_api(people["approver"])
    for _ in range(2):
        place(company, people["buyer"], net="100.00")
    small, _ = page_queries(client, "/api/approvals/?page_size=2")
    for _ in range(6):
        place(company, people["buyer"], net="100.00")
    large, body = page_queries(client, "/api/approvals/?page_size=8")
    body = body.json()
    assert len(body["results"]) == 8
    assert large == small


# --- invoices and payments ------------------------------------------------------------


def test_invoices_and_their_pdf(company, people):
    invoice = shipped_and_invoiced(company, people["buyer"])
    client = portal_api(people["viewer"])

    listed = client.get("/api/invoices/").json()["results"]
    detail = client.get(f"/api/invoices/{invoice.number}/").json()

    assert [(i["number"], i["order"], i["total"], i["paid"], i["status"]) for i in listed] == [
        (invoice.number, invoice.order.number, "148.75", "0.00", "open")
    ]
    assert detail["due"] == invoice.due_on.isoformat()
    assert [line["kind"] for line in detail["lines"]] == ["item", "delivery"]
    order = invoice.order
    lines_net = sum(Decimal(line["net"]) for line in detail["lines"])
    assert Decimal(detail["net"]) == lines_net == order.total_excl_tax
    assert Decimal(detail["net"]) + Decimal(detail["tax"]) == Decimal(detail["total"])
    assert sum(Decimal(r["tax"]) for r in detail["vat_breakdown"]) == Decimal(detail["tax"])
    assert detail["seller"]["vat_id"] and detail["payment_instructions"]["reference"] == (
        invoice.number
    )
    pdf = client.get(f"/api/invoices/{invoice.number}.pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_a_buyer_may_not_see_invoices(company, people):
    assert_error(portal_api(people["buyer"]).get("/api/invoices/"), 403, "permission_denied")


def test_another_companys_invoice_is_not_found(company, people, other_company, outsider):
    theirs = shipped_and_invoiced(other_company, outsider)
    client = portal_api(people["admin"])
    assert_error(client.get(f"/api/invoices/{theirs.number}/"), 404, "not_found")
    assert_error(client.get(f"/api/invoices/{theirs.number}.pdf"), 404, "not_found")


def test_invoice_list_queries_do_not_grow_with_the_page(company, people):
    client = portal_api(people["admin"])
    for _ in range(2):
        shipped_and_invoiced(company, people["buyer"])
    small, _ = page_queries(client, "/api/invoices/?page_size=2")
    for _ in range(6):
        shipped_and_invoiced(company, people["buyer"])
    large, body = page_queries(client, "/api/invoices/?page_size=8")
    body = body.json()
    assert len(body["results"]) == 8
    assert large == small


def payment_body(invoice, amount="148.75"):
    return {
        "account": invoice.account_id,
        "amount": amount,
        "received_on": date.today().isoformat(),
        "reference": "BANK-1",
        "allocations": {invoice.number: amount},
    }


def test_an_integration_token_records_a_payment(company, people):
    invoice = shipped_and_invoiced(company, people["buyer"])
    erp = portal_api(factories.UserFactory(), kind="integration")

    response = erp.post("/api/payments/", payment_body(invoice), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["allocations"] == [{"invoice": invoice.number, "amount": "148.75"}]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_a_staff_session_records_a_payment(company, people):
    invoice = shipped_and_invoiced(company, people["buyer"])
    staff = storefront_api()
    staff.force_login(factories.StaffFactory())

    assert staff.post("/api/payments/", payment_body(invoice), format="json").status_code == 201


@pytest.mark.parametrize("who", ["admin", "staff_token"])
def test_personal_tokens_may_not_record_payments(company, people, who):
    invoice = shipped_and_invoiced(company, people["buyer"])
    user = people["admin"] if who == "admin" else factories.StaffFactory()

    response = portal_api(user).post("/api/payments/", payment_body(invoice), format="json")

    assert_error(response, 403, "permission_denied")
    assert not Payment.objects.exists()


def test_a_payment_too_large_is_refused_whole(company, people):
    invoice = shipped_and_invoiced(company, people["buyer"])
    erp = portal_api(factories.UserFactory(), kind="integration")

    response = erp.post("/api/payments/", payment_body(invoice, "500.00"), format="json")

    assert_error(response, 400, "payment_refused")
    assert not Payment.objects.exists()
