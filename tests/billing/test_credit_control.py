"""The daily run: reminders before and after due dates, holds past the grace period."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from commerce.billing import credit, payments
from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import Invoice
from commerce.billing.tasks import credit_control
from commerce.fulfilment.transitions import order_set_status
from tests import factories
from tests.billing.conftest import place_on_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(company, account):
    factories.MembershipFactory(company=company, role="admin", user__email="ap@acme.example")
    order = place_on_account(company)
    order_set_status(order=order, status="Shipped")
    invoice_for_shipped(order_id=order.pk)
    mail.outbox.clear()
    return Invoice.objects.get(order=order)


def run(day):
    return credit_control(day.isoformat())


def test_reminders_go_out_before_and_after_the_due_date_once_each(invoice):
    due = invoice.due_on

    run(due - timedelta(days=3))
    run(due - timedelta(days=3))
    run(due + timedelta(days=1))
    run(due + timedelta(days=2))

    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        f"Invoice {invoice.number} is due on {due:%-d %B}",
        f"Overdue: invoice {invoice.number}",
    ]
    assert mail.outbox[0].to == ["ap@acme.example"]


def test_an_account_past_its_grace_period_goes_on_hold_and_card_still_works(invoice, account):
    late = invoice.due_on + timedelta(days=account.grace_days + 1)

    result = run(late)

    account.refresh_from_db()
    assert result["held"] == 1
    assert (account.on_credit_hold, account.hold_is_automatic) == (True, True)
    assert "overdue" in account.hold_reason


def test_within_the_grace_period_nothing_is_held(invoice, account):
    run(invoice.due_on + timedelta(days=account.grace_days))

    account.refresh_from_db()
    assert not account.on_credit_hold


def test_paying_lifts_the_automatic_hold_and_the_next_run_keeps_it_lifted(invoice, account):
    late = invoice.due_on + timedelta(days=account.grace_days + 1)
    run(late)
    payments.payment_record(
        account=account,
        amount=Decimal("1000.00"),
        currency="EUR",
        received_on=timezone.localdate(),
        reference="B",
    )

    run(late + timedelta(days=1))

    account.refresh_from_db()
    assert not account.on_credit_hold


def test_a_manual_hold_is_not_lifted_by_the_daily_run(account):
    credit.credit_hold(account=account, reason="staff decision")

    run(timezone.localdate())

    account.refresh_from_db()
    assert account.on_credit_hold


def test_the_daily_run_is_scheduled():
    assert any(
        e["task"] == "commerce.billing.tasks.credit_control"
        for e in settings.CELERY_BEAT_SCHEDULE.values()
    )
