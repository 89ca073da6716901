"""What the API says an invoice and the company's credit stand at: the same
word as the portal pages, and the credit module's own figures."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Company
from commerce.billing import credit
from commerce.billing.invoicing import credit_note_issue
from commerce.billing.models import CreditAccount, Invoice
from commerce.billing.payments import payment_record
from tests import factories
from tests.api.conftest import assert_error, portal_api
from tests.api.test_records import shipped_and_invoiced
from tests.approvals.conftest import place

pytestmark = pytest.mark.django_db


def due_in(invoice, days: int) -> Invoice:
    invoice.due_on = timezone.localdate() + timedelta(days=days)
    invoice.save(update_fields=["due_on"])
    return invoice


def pay(invoice, amount: str) -> None:
    payment_record(
        account=invoice.account,
        amount=Decimal(amount),
        currency=invoice.currency,
        received_on=date.today(),
        reference="BANK-1",
        allocations={invoice.number: Decimal(amount)},
    )


def as_api(client, invoice) -> tuple:
    listed = {i["number"]: i for i in client.get("/api/invoices/").json()["results"]}
    detail = client.get(f"/api/invoices/{invoice.number}/").json()
    row = listed[invoice.number]
    assert (row["status"], row["days_overdue"], row["due"]) == (
        detail["status"],
        detail["days_overdue"],
        detail["due"],
    )
    return detail["status"], detail["days_overdue"], detail["due"]


# --- invoices -------------------------------------------------------------------------


def test_an_invoice_not_yet_due_is_open(company, people):
    invoice = due_in(shipped_and_invoiced(company, people["buyer"]), 0)  # due today
    assert as_api(portal_api(people["viewer"]), invoice) == (
        "open",
        0,
        timezone.localdate().isoformat(),
    )


def test_an_invoice_past_its_due_date_is_overdue_by_so_many_days(company, people, portal_client):
    invoice = due_in(shipped_and_invoiced(company, people["buyer"]), -5)

    assert as_api(portal_api(people["viewer"]), invoice) == (
        "overdue",
        5,
        invoice.due_on.isoformat(),
    )
    # The portal page says the same of the same invoice.
    portal_client.force_login(people["viewer"])
    page = portal_client.get(f"/invoices/{invoice.number}/")
    assert 'id="invoice_status">Overdue<' in page.content.decode()


def test_a_partly_paid_invoice_is_open_until_due_then_overdue(company, people):
    client = portal_api(people["viewer"])
    invoice = due_in(shipped_and_invoiced(company, people["buyer"]), 3)
    pay(invoice, "48.75")

    assert as_api(client, invoice)[:2] == ("open", 0)
    due_in(invoice, -2)
    assert as_api(client, invoice)[:2] == ("overdue", 2)


def test_a_paid_invoice_is_paid_and_never_overdue(company, people):
    invoice = due_in(shipped_and_invoiced(company, people["buyer"]), -30)
    pay(invoice, str(invoice.total))

    assert as_api(portal_api(people["viewer"]), invoice)[:2] == ("paid", 0)


def test_an_invoice_cancelled_by_credit_notes_is_void(company, people):
    invoice = due_in(shipped_and_invoiced(company, people["buyer"]), -30)
    credit_note_issue(invoice=invoice, amount=invoice.total, reason="Returned", actor=None)

    assert as_api(portal_api(people["viewer"]), invoice)[:2] == ("void", 0)
    invoice.refresh_from_db()
    assert invoice.display_status == "Void"


def test_a_partly_paid_and_partly_credited_invoice_is_paid_once_settled(company, people):
    invoice = shipped_and_invoiced(company, people["buyer"])
    credit_note_issue(invoice=invoice, amount=Decimal("48.75"), reason="Goodwill", actor=None)
    pay(invoice, "100.00")

    assert as_api(portal_api(people["viewer"]), invoice)[:2] == ("paid", 0)


def test_every_state_on_one_page_in_constant_queries(company, people):
    from tests.helpers import page_queries

    client = portal_api(people["admin"])
    shipped_and_invoiced(company, people["buyer"])
    small, _ = page_queries(client, "/api/invoices/")
    due_in(shipped_and_invoiced(company, people["buyer"]), -9)
    pay(shipped_and_invoiced(company, people["buyer"]), "148.75")
    void = shipped_and_invoiced(company, people["buyer"])
    credit_note_issue(invoice=void, amount=void.total, reason="Returned", actor=None)

    large, response = page_queries(client, "/api/invoices/")
    body = response.json()

    assert sorted((i["status"], i["days_overdue"]) for i in body["results"]) == [
        ("open", 0),
        ("overdue", 9),
        ("paid", 0),
        ("void", 0),
    ]
    assert large == small


# --- the company's credit -------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "approver", "viewer"])
def test_roles_that_see_invoices_see_the_credit_standing(company, people, role):
    order = place(company, people["buyer"], net="1000.00")
    shipped_and_invoiced(company, people["buyer"])  # 148.75 invoiced
    account = CreditAccount.objects.get(company=company)

    body = portal_api(people[role]).get("/api/company/").json()

    exposure = order.total_incl_tax + Decimal("148.75")
    assert body["credit"] == {
        "terms": "net_30",
        "limit": "100000.00",
        "exposure": str(exposure),
        "available": str(Decimal("100000.00") - exposure),
        "on_hold": False,
        "hold_reason": "",
        "currency": account.currency,
    }
    standing = credit.standings([account])[account.pk]
    assert (body["credit"]["exposure"], body["credit"]["available"]) == (
        str(standing.exposure),
        str(standing.available),
    )


def test_a_buyer_gets_no_credit_key_at_all(company, people):
    body = portal_api(people["buyer"]).get("/api/company/").json()
    assert "credit" not in body
    assert body["role"] == "buyer"


def test_a_hold_and_its_reason(company, people):
    account = CreditAccount.objects.get(company=company)
    credit.credit_hold(account=account, reason="Overdue invoices")

    body = portal_api(people["admin"]).get("/api/company/").json()

    assert (body["credit"]["on_hold"], body["credit"]["hold_reason"]) == (
        True,
        "Overdue invoices",
    )


def test_a_company_on_hold_is_on_credit_hold(company, people):
    Company.objects.filter(pk=company.pk).update(status=Company.Status.ON_HOLD)

    body = portal_api(people["viewer"]).get("/api/company/").json()

    assert (body["credit"]["on_hold"], body["credit"]["hold_reason"]) == (True, "Company on hold")


def test_a_company_without_terms_has_null_credit(company, people):
    CreditAccount.objects.filter(company=company).update(is_active=False)
    assert portal_api(people["admin"]).get("/api/company/").json()["credit"] is None
    CreditAccount.objects.filter(company=company).delete()
    assert portal_api(people["admin"]).get("/api/company/").json()["credit"] is None


def test_another_companys_member_sees_only_their_own_credit(company, people, other_company):
    place(company, people["buyer"], net="1000.00")
    CreditAccount.objects.filter(company=other_company).update(credit_limit=Decimal("5000.00"))
    theirs = factories.MembershipFactory(company=other_company, role="viewer").user

    body = portal_api(theirs).get("/api/company/").json()

    assert (body["id"], body["credit"]["limit"], body["credit"]["exposure"]) == (
        other_company.pk,
        "5000.00",
        "0.00",
    )
    assert_error(portal_api(theirs, company=company).get("/api/company/"), 404, "not_found")
