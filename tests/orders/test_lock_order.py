"""The one lock order (``commerce.core.locks``), forced on PostgreSQL.

Each race runs two services on real threads. A barrier makes each thread,
right after its first lock on one of two tables, wait until the other thread
holds its first lock too: with two services taking those locks in opposite
orders, that is a deadlock (PostgreSQL aborts one of them). In the one lock
order the second thread waits for the first one's lock instead, the barrier
times out and both finish.
"""

import threading
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.billing import credit, payments
from commerce.billing.invoicing import credit_note_issue, invoice_for_shipped
from commerce.billing.models import Invoice, LedgerEntry
from commerce.core.locks import is_retryable
from commerce.fulfilment.transitions import order_set_status
from commerce.order import status as order_status
from tests import factories
from tests.helpers import at_once, place_portal_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

StockRecord = get_model("partner", "StockRecord")
HOLD_AT_BARRIER = 8  # seconds a thread waits for the other to hold its first lock


class FirstLockMeets:
    """An ``execute_wrapper``: after a thread's first ``FOR UPDATE`` on one of
    ``tables``, it waits (a while) for the other thread to hold its first one.
    Records every deadlock or serialization failure the database reports."""

    def __init__(self, *tables):
        self.tables = tables
        self.barrier = threading.Barrier(2)
        self.conflicts = []
        self.local = threading.local()

    def __call__(self, execute, sql, params, many, context):
        try:
            result = execute(sql, params, many, context)
        except OperationalError as error:
            if is_retryable(error):
                self.conflicts.append(str(error).splitlines()[0])
            raise
        if (
            "FOR UPDATE" in sql
            and any(f'"{table}"' in sql.split("FOR UPDATE")[0] for table in self.tables)
            and not getattr(self.local, "met", False)
        ):
            self.local.met = True
            try:
                self.barrier.wait(HOLD_AT_BARRIER)
            except threading.BrokenBarrierError:
                pass
        return result

    def run(self, call):
        def wrapped():
            with connection.execute_wrapper(self):
                return call()

        return wrapped


def test_placing_on_account_and_cancelling_an_order_of_the_same_company_do_not_deadlock():
    # Placement locks the credit account, then the stock; cancelling used to
    # lock the stock, then the account.
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=10)
    first = place_portal_order(company, buyer, product, 2).order
    meet = FirstLockMeets("billing_creditaccount", "partner_stockrecord")

    placed, cancelled = at_once(
        meet.run(lambda: place_portal_order(company, buyer, product, 3).order),
        meet.run(lambda: order_set_status(order=first, status=order_status.CANCELLED)),
        expected=(Exception,),
    )

    assert meet.conflicts == []
    assert not isinstance(placed, Exception), placed
    assert not isinstance(cancelled, Exception), cancelled
    assert cancelled.status == order_status.CANCELLED
    record = StockRecord.objects.get(product=product)
    assert (record.num_in_stock, record.num_allocated) == (10, 3)
    account = company.credit_account
    assert credit.exposure_of(account) == credit.reserved_for(placed)


def test_a_credit_note_and_a_payment_on_the_same_account_do_not_deadlock():
    # A credit note locked the invoice, then the account; a payment the
    # account, then its invoices.
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company).user
    order = place_portal_order(
        company, buyer, factories.ProductFactory(stock__price="100.00"), 1
    ).order
    order_set_status(order=order, status=order_status.SHIPPED)
    invoice_for_shipped(order_id=order.pk)  # issued already when tasks run eagerly
    invoice = Invoice.objects.get(order=order)
    account = company.credit_account
    meet = FirstLockMeets("billing_creditaccount", "billing_invoice")

    noted, paid = at_once(
        meet.run(
            lambda: credit_note_issue(
                invoice=invoice, amount=Decimal("10.00"), reason="damaged", actor=None
            )
        ),
        meet.run(
            lambda: payments.payment_record(
                account=account,
                amount=Decimal("20.00"),
                currency="EUR",
                received_on=timezone.localdate(),
                reference="BANK-7",
            )
        ),
        expected=(Exception,),
    )

    assert meet.conflicts == []
    assert not isinstance(noted, Exception), noted
    assert not isinstance(paid, Exception), paid
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.amount_credited, invoice.amount_paid) == (Decimal("10.00"), Decimal("20.00"))
    assert credit.exposure_of(account) == invoice.total - Decimal("30.00")
    assert LedgerEntry.objects.filter(kind__in=["credit_note", "payment"]).count() == 2
