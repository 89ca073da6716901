"""Payments and credit notes, refused whole when wrong; held credit released exactly once."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from commerce.billing import credit, payments
from commerce.billing.invoicing import credit_note_issue, invoice_for_shipped
from commerce.billing.models import Invoice, LedgerEntry, Payment
from commerce.billing.payments import PaymentRefused
from commerce.fulfilment.transitions import order_set_status
from tests import factories
from tests.billing.conftest import THOUSAND, place_on_account

pytestmark = pytest.mark.django_db


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def invoice(company, account):
    order = place_on_account(company)
    order_set_status(order=order, status="Shipped")
    invoice_for_shipped(order_id=order.pk)
    return Invoice.objects.get(order=order)


def pay(account, amount, **kwargs):
    # Dates are taken when the payment is made: a run may cross midnight.
    defaults = {"currency": "EUR", "received_on": timezone.localdate(), "reference": "BANK-1"}
    fields = {**defaults, **kwargs}
    if callable(fields["received_on"]):
        fields["received_on"] = fields["received_on"]()
    return payments.payment_record(account=account, amount=Decimal(amount), **fields)


def test_a_partial_then_a_full_payment(account, invoice):
    pay(account, "400.00")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("partially_paid", Decimal("600.00"))

    pay(account, "600.00", reference="BANK-2")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("paid", Decimal("0.00"))
    assert credit.exposure_of(account) == Decimal("0.00")


@pytest.mark.parametrize(
    ("amount", "kwargs", "message"),
    [
        ("1000.01", {}, "more than the open invoices"),
        ("-5.00", {}, "positive amount"),
        ("0", {}, "positive amount"),
        ("10.001", {}, "two decimals"),
        ("100.00", {"currency": "USD"}, "a payment in USD cannot be recorded"),
        ("100.00", {"reference": "  "}, "reference"),
        ("100.00", {"received_on": tomorrow}, "future"),
        ("100.00", {"allocations": {"INV-999999": Decimal("100.00")}}, "No invoice INV-999999"),
        ("100.00", {"allocations": {"INV-000001": Decimal("90.00")}}, "add up"),
    ],
)
def test_bad_payments_are_refused_and_nothing_is_recorded(
    account, invoice, amount, kwargs, message
):
    with pytest.raises(PaymentRefused) as refused:
        pay(account, amount, **kwargs)

    assert message in str(refused.value)
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.amount_paid == 0
    assert credit.exposure_of(account) == THOUSAND


def test_a_payment_on_a_paid_invoice_is_refused(account, invoice):
    pay(account, "1000.00")

    with pytest.raises(PaymentRefused) as refused:
        pay(account, "10.00", reference="BANK-2", allocations={invoice.number: Decimal("10.00")})

    assert "already paid" in str(refused.value)
    assert Payment.objects.count() == 1


def test_a_credit_note_reduces_what_is_owed(account, invoice):
    note = credit_note_issue(
        invoice=invoice, amount=Decimal("150.00"), reason="2 units returned", actor=None
    )

    invoice.refresh_from_db()
    assert note.number == "CN-000001"
    assert invoice.balance == Decimal("850.00")
    assert credit.exposure_of(account) == Decimal("850.00")
    with pytest.raises(credit.CreditError):
        credit_note_issue(invoice=invoice, amount=Decimal("900.00"), reason="too much", actor=None)


def test_cancelling_releases_the_held_credit_once(company, account):
    order = place_on_account(company)

    order_set_status(order=order, status="Cancelled")
    again = credit.credit_release(order=order)

    assert again == 0
    assert credit.exposure_of(account) == 0
    assert LedgerEntry.objects.filter(order=order, kind="order_released").count() == 1


def test_cancelling_after_a_partial_invoice_releases_only_the_rest(company, account):
    from commerce.fulfilment.transitions import order_ship

    order = place_on_account(company, net_price="100.00", quantity=10)
    order_ship(order=order, quantities={order.lines.get().pk: 4})
    invoice_for_shipped(order_id=order.pk)

    order_set_status(order=order, status="Cancelled")

    assert credit.exposure_of(account) == Decimal("476.00")  # the shipped part stays invoiced


def test_paying_the_overdue_balance_lifts_an_automatic_hold(account, invoice):
    Invoice.objects.filter(pk=invoice.pk).update(due_on=timezone.localdate() - timedelta(days=40))
    credit.credit_hold(account=account, reason="overdue", automatic=True)

    pay(account, "1000.00")

    account.refresh_from_db()
    assert not account.on_credit_hold


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_cancellations_release_once():
    company = factories.CompanyFactory()
    factories.CompanyAddressFactory(company=company, is_default=True)
    account = factories.credit_account(company)
    order = place_on_account(company)
    barrier = threading.Barrier(2)
    errors = []

    def cancel():
        try:
            barrier.wait()
            order_set_status(order=order, status="Cancelled")
        except Exception as error:  # the loser is refused: already cancelled
            errors.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == ["IllegalStatusChange"]
    assert credit.exposure_of(account) == 0
    assert LedgerEntry.objects.filter(order=order, kind="order_released").count() == 1
