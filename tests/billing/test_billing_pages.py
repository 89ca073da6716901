"""Invoices in the portal (right roles only, own company only), staff billing pages."""

from decimal import Decimal

import pytest

from commerce.billing import credit
from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import CreditAccount, Invoice, LedgerEntry, Payment
from commerce.fulfilment.transitions import order_set_status
from tests import factories
from tests.billing.conftest import place_on_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(company, account):
    order = place_on_account(company)
    order_set_status(order=order, status="Shipped")
    invoice_for_shipped(order_id=order.pk)
    return Invoice.objects.get(order=order)


@pytest.mark.parametrize("role", ["admin", "approver", "viewer"])
def test_finance_roles_see_invoices_and_the_statement(portal_client, company, invoice, role):
    portal_client.force_login(factories.MembershipFactory(company=company, role=role).user)

    listing = portal_client.get("/invoices/")
    detail = portal_client.get(f"/invoices/{invoice.number}/")
    statement = portal_client.get("/invoices/statement/")

    assert invoice.number in listing.content.decode()
    assert "€10,000.00" in listing.content.decode()  # the limit
    assert detail.status_code == 200
    assert f"Invoice for order {invoice.order.number}" in statement.content.decode()


def test_buyers_do_not_see_invoices(portal_client, company, invoice):
    portal_client.force_login(factories.MembershipFactory(company=company, role="buyer").user)

    assert portal_client.get("/invoices/").status_code == 403
    assert portal_client.get(f"/invoices/{invoice.number}/pdf/").status_code == 403


def test_another_companys_invoice_is_not_found(portal_client, invoice):
    other = factories.CompanyFactory(name="Other")
    factories.credit_account(other)
    portal_client.force_login(factories.MembershipFactory(company=other, role="admin").user)

    assert portal_client.get(f"/invoices/{invoice.number}/").status_code == 404
    assert portal_client.get(f"/invoices/{invoice.number}/pdf/").status_code == 404


@pytest.fixture
def staff_client(storefront_client):
    storefront_client.force_login(factories.StaffFactory())
    return storefront_client


def test_staff_set_terms_and_limit_and_it_is_audited(staff_client, account):
    staff_client.post(
        f"/dashboard/billing/accounts/{account.pk}/",
        {"terms": "net_60", "credit_limit": "25000.00", "grace_days": 7, "is_active": "on"},
    )

    account.refresh_from_db()
    assert (account.terms, account.credit_limit, account.grace_days) == (
        "net_60",
        Decimal("25000.00"),
        7,
    )
    kinds = set(LedgerEntry.objects.filter(account=account).values_list("kind", flat=True))
    assert kinds == {"limit_changed", "terms_changed"}
    assert LedgerEntry.objects.get(kind="limit_changed").actor.is_staff


def test_staff_set_up_terms_for_a_company_and_a_consumer(staff_client):
    company = factories.CompanyFactory(name="Newco")
    consumer = factories.UserFactory(email="vip@example.com")

    staff_client.post(
        "/dashboard/billing/accounts/new/",
        {
            "company": company.pk,
            "terms": "net_30",
            "credit_limit": "5000",
            "grace_days": 14,
            "is_active": "on",
        },
    )
    staff_client.post(
        "/dashboard/billing/accounts/new/",
        {
            "consumer_email": "vip@example.com",
            "terms": "net_30",
            "credit_limit": "300",
            "grace_days": 7,
            "is_active": "on",
        },
    )
    both = staff_client.post(
        "/dashboard/billing/accounts/new/",
        {
            "company": company.pk,
            "consumer_email": "vip@example.com",
            "terms": "net_30",
            "credit_limit": "1",
            "grace_days": 1,
        },
    )

    assert CreditAccount.objects.get(company=company).credit_limit == Decimal("5000")
    assert CreditAccount.objects.get(user=consumer).credit_limit == Decimal("300")
    assert both.status_code == 200
    assert CreditAccount.objects.count() == 2


def test_staff_record_a_payment_and_a_bad_one_is_refused(staff_client, account, invoice):
    url = f"/dashboard/billing/accounts/{account.pk}/payments/new/"
    base = {
        "currency": "EUR",
        "received_on": "2026-01-05",
        "method": "bank_transfer",
        "invoice": "",
    }

    staff_client.post(url, {**base, "amount": "250.00", "reference": "SEPA-1"})
    refused = staff_client.post(
        url, {**base, "amount": "5000.00", "reference": "SEPA-2"}, follow=True
    )

    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("250.00")
    assert "Nothing was recorded" in refused.content.decode()


def test_staff_issue_a_credit_note(staff_client, invoice):
    staff_client.post(
        f"/dashboard/billing/invoices/{invoice.number}/credit-note/",
        {"amount": "100.00", "reason": "damaged"},
    )

    invoice.refresh_from_db()
    assert invoice.amount_credited == Decimal("100.00")


def test_staff_hold_and_release(staff_client, account):
    staff_client.post(
        f"/dashboard/billing/accounts/{account.pk}/hold/", {"action": "hold", "reason": "dispute"}
    )
    account.refresh_from_db()
    assert (account.on_credit_hold, account.hold_reason) == (True, "dispute")
    staff_client.post(f"/dashboard/billing/accounts/{account.pk}/hold/", {"action": "release"})
    account.refresh_from_db()
    assert not account.on_credit_hold


def test_aging_report_and_csv(staff_client, invoice, company):
    Invoice.objects.filter(pk=invoice.pk).update(
        due_on=invoice.issued_on.replace(year=invoice.issued_on.year - 1)
    )

    page = staff_client.get("/dashboard/billing/aging/")
    csv = (
        staff_client.get("/dashboard/billing/aging/", {"format": "csv"})
        .content.decode()
        .splitlines()
    )

    assert company.name in page.content.decode()
    assert csv[0] == "account,current,1-30,31-60,61-90,90+,total"
    assert csv[1] == f"{company.name},0.00,0.00,0.00,0.00,1000.00,1000.00"
    assert csv[-1].startswith("All accounts,")


@pytest.mark.parametrize(
    "path",
    ["/dashboard/billing/accounts/", "/dashboard/billing/invoices/", "/dashboard/billing/aging/"],
)
def test_billing_pages_are_staff_only(storefront_client, path, invoice):
    assert storefront_client.get(path).status_code == 302
    storefront_client.force_login(factories.StaffFactory())
    assert storefront_client.get(path).status_code == 200
    assert credit.exposure_of(invoice.account) == Decimal("1000.00")
