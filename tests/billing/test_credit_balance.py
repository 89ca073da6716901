"""The account's balance is the sum of its ledger, whoever writes to it and
however they race; checking an order against the limit reads the locked
account row and sums nothing."""

import importlib
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.billing import credit, payments
from commerce.billing.invoicing import credit_note_issue, invoice_for_shipped
from commerce.billing.models import CreditAccount, LedgerEntry
from commerce.fulfilment.transitions import order_set_status, order_ship
from tests import factories
from tests.billing.conftest import THOUSAND, place_on_account


def ledger_sum(account) -> Decimal:
    return LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or Decimal(
        "0.00"
    )


def balance(account) -> Decimal:
    return CreditAccount.objects.values_list("balance", flat=True).get(pk=account.pk)


@pytest.mark.django_db
def test_every_ledger_writer_moves_the_balance_with_its_entry(company, account):
    kept = place_on_account(company)
    cancelled = place_on_account(company)
    order_set_status(order=cancelled, status="Cancelled")
    credit.credit_set_terms(account=account, actor=None, credit_limit=Decimal("20000.00"))
    order_ship(order=kept)
    invoice = invoice_for_shipped(order_id=kept.pk)
    payments.payment_record(
        account=account,
        amount=Decimal("250.00"),
        currency="EUR",
        received_on=timezone.localdate(),
        reference="P-1",
    )
    credit_note_issue(invoice=invoice, amount=Decimal("50.00"), reason="goodwill", actor=None)

    assert balance(account) == ledger_sum(account) == Decimal("700.00")
    assert credit.exposure_of(account) == Decimal("700.00")


@pytest.mark.django_db
@pytest.mark.postgres  # SQLite takes no row lock: its SQL has no FOR UPDATE
def test_an_order_on_account_is_checked_against_the_locked_row_without_a_sum(company, account):
    place_on_account(company)
    user = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=10, stock__price="840.34")
    from tests.helpers import place_portal_order

    with CaptureQueriesContext(connection) as placed:
        place_portal_order(company, user, product, 1)

    statements = [q["sql"] for q in placed.captured_queries]
    on_account = [s for s in statements if 'FROM "billing_creditaccount"' in s]
    assert len(on_account) == 1 and "FOR UPDATE" in on_account[0]
    assert not [s for s in statements if "SUM(" in s and "billing_ledgerentry" in s]
    assert balance(account) == ledger_sum(account) == 2 * THOUSAND


@pytest.mark.django_db
def test_the_migration_sets_each_balance_to_the_sum_of_its_ledger(company, account):
    from django.apps import apps

    place_on_account(company)
    place_on_account(company)
    other = factories.credit_account(factories.CompanyFactory(), limit="100.00")
    CreditAccount.objects.update(balance=Decimal("123.45"))

    migration = importlib.import_module("commerce.billing.migrations.0005_credit_account_balance")
    migration.backfill(apps, None)

    assert balance(account) == ledger_sum(account) == 2 * THOUSAND
    assert balance(other) == Decimal("0.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_orders_cancellations_and_payments_keep_the_balance_equal_to_the_ledger():
    company = factories.CompanyFactory()
    factories.CompanyAddressFactory(company=company, is_default=True)
    account = factories.credit_account(company, limit="8000.00")
    placed = [place_on_account(company) for _ in range(4)]
    for kept in placed[2:]:  # invoiced: the payments below go to them
        order_ship(order=kept)
        invoice_for_shipped(order_id=kept.pk)
    buyers = [factories.MembershipFactory(company=company).user for _ in range(8)]
    products = [factories.ProductFactory(stock=1000, stock__price="840.34") for _ in range(8)]
    barrier = threading.Barrier(14)
    outcomes = []

    def run(work):
        try:
            barrier.wait()
            work()
            outcomes.append("done")
        except credit.CreditLimitExceeded:
            outcomes.append("refused")
        finally:
            connection.close()

    def order(user, product):
        from tests.helpers import place_portal_order

        return lambda: place_portal_order(company, user, product, 1)

    def cancel(order):
        return lambda: order_set_status(order=order, status="Cancelled")

    def pay(n):
        return lambda: payments.payment_record(
            account=account,
            amount=Decimal("100.00"),
            currency="EUR",
            received_on=timezone.localdate(),
            reference=f"P-{n}",
        )

    works = [order(u, p) for u, p in zip(buyers, products, strict=True)]
    works += [cancel(o) for o in placed[:2]] + [pay(n) for n in range(4)]
    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(outcomes) == 14
    assert balance(account) == ledger_sum(account)
    # Payments and cancellations only lower the exposure: whatever the
    # interleaving, the orders never took it over the limit.
    assert "refused" in outcomes
    assert credit.exposure_of(account) <= Decimal("8000.00")
