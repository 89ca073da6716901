"""Paying invoices online by card: through the API (201 with the payment; a
declined card is a 402 and records nothing), part payments, the receipt email,
and the portal page; on PostgreSQL, paying one invoice twice at once records
one payment and voids the other card hold."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail

from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import Invoice, LedgerEntry, Payment
from commerce.fulfilment.transitions import order_set_status
from commerce.payments.models import SandboxAuthorization
from tests import factories
from tests.api.conftest import assert_error, portal_api
from tests.billing.conftest import place_on_account
from tests.helpers import at_once

APPROVE = "tok_sandbox_approve"
DECLINE = "tok_sandbox_decline"


@pytest.fixture
def invoice(company, account):
    order = place_on_account(company)
    order_set_status(order=order, status="Shipped")
    invoice_for_shipped(order_id=order.pk)
    return Invoice.objects.get(order=order)


@pytest.fixture
def finance(company):
    return factories.MembershipFactory(
        company=company, role="approver", user__email="ap@acme.example"
    ).user


@pytest.mark.django_db
def test_paying_the_whole_invoice_by_card(invoice, finance, committed):
    client = portal_api(finance)

    with committed():
        response = client.post(
            f"/api/invoices/{invoice.number}/pay/", {"card_token": APPROVE}, format="json"
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["method"]) == ("1000.00", "card")
    assert body["allocations"] == [{"invoice": invoice.number, "amount": "1000.00"}]
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), "paid")
    assert client.get(f"/api/invoices/{invoice.number}/").json()["status"] == "paid"
    hold = SandboxAuthorization.objects.get()
    assert (hold.captured, hold.void) == (Decimal("1000.00"), False)
    receipt = mail.outbox[-1]
    assert "Payment received" in receipt.subject
    assert "ap@acme.example" in receipt.to
    assert invoice.number in receipt.body


@pytest.mark.django_db
def test_paying_part_of_an_invoice(invoice, finance):
    client = portal_api(finance)

    response = client.post(
        f"/api/invoices/{invoice.number}/pay/",
        {"card_token": APPROVE, "amount": "250.00"},
        format="json",
    )

    assert response.status_code == 201, response.content
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("750.00"), "partially_paid")


@pytest.mark.django_db
def test_a_declined_card_records_nothing(invoice, finance):
    client = portal_api(finance)
    entries = LedgerEntry.objects.count()

    response = client.post(
        f"/api/invoices/{invoice.number}/pay/", {"card_token": DECLINE}, format="json"
    )

    assert_error(response, 402, "payment_declined")
    assert not Payment.objects.exists()
    assert LedgerEntry.objects.count() == entries
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("1000.00")


@pytest.mark.django_db
def test_too_much_a_paid_invoice_and_bad_input_are_refused_without_a_card_hold(invoice, finance):
    client = portal_api(finance)
    url = f"/api/invoices/{invoice.number}/pay/"

    assert_error(
        client.post(url, {"card_token": APPROVE, "amount": "1000.01"}, format="json"),
        400,
        "payment_refused",
    )
    assert_error(
        client.post(url, {"card_token": APPROVE, "amount": "-5"}, format="json"),
        400,
        "validation_error",
    )
    assert_error(client.post(url, {}, format="json"), 400, "validation_error")
    assert not SandboxAuthorization.objects.exists()
    assert client.post(url, {"card_token": APPROVE}, format="json").status_code == 201
    assert_error(client.post(url, {"card_token": APPROVE}, format="json"), 400, "payment_refused")
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_buyers_and_other_companies_cannot_pay(invoice, company):
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    stranger = factories.MembershipFactory(company=factories.business("Globex"), role="admin").user
    url = f"/api/invoices/{invoice.number}/pay/"

    assert_error(
        portal_api(buyer).post(url, {"card_token": APPROVE}, format="json"),
        403,
        "permission_denied",
    )
    assert_error(
        portal_api(stranger).post(url, {"card_token": APPROVE}, format="json"), 404, "not_found"
    )
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_the_portal_page_pays_selected_invoices(invoice, finance, portal_client):
    portal_client.force_login(finance)

    page = portal_client.get("/invoices/pay/")
    assert page.status_code == 200
    assert invoice.number in page.content.decode()
    done = portal_client.post(
        "/invoices/pay/",
        {
            "invoice": [invoice.number],
            f"amount_{invoice.number}": "400.00",
            "card_token": APPROVE,
        },
        follow=True,
    )

    assert done.status_code == 200
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("600.00")
    refused = portal_client.post(
        "/invoices/pay/",
        {"invoice": [invoice.number], "card_token": DECLINE},
    )
    assert refused.status_code == 400
    assert Payment.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_paying_one_invoice_twice_at_once_records_one_payment(invoice, finance):
    from commerce.billing.card_payments import invoices_pay_by_card
    from commerce.billing.payments import PaymentRefused

    def pay():
        return invoices_pay_by_card(
            account=invoice.account,
            parts={invoice.number: None},
            card_token=APPROVE,
            actor=finance,
        )

    outcomes = at_once(pay, pay, expected=(PaymentRefused,), what="a card payment")

    assert sorted(type(o).__name__ for o in outcomes) == ["Payment", "PaymentRefused"]
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("0.00")
    # The loser either saw the invoice paid before asking the gateway, or had
    # its hold voided: one live authorization, the one captured.
    assert SandboxAuthorization.objects.filter(void=False).count() == 1
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
