"""Reminders before each part is due and receipts of each collection: one email
each, whatever reruns, retries or redeliveries happen."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from commerce.instalments import handlers, services, topics
from commerce.instalments.models import Instalment, InstalmentPlan
from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_drain
from tests.api.conftest import storefront_api
from tests.helpers import at_once
from tests.instalments.conftest import fill, instalments_body

pytestmark = pytest.mark.django_db


def placed_plan(gold, eligible, count=3) -> InstalmentPlan:
    client = storefront_api(gold)
    fill(client, eligible)
    response = client.post("/api/checkout/", instalments_body(count), format="json")
    assert response.status_code == 201, response.content
    outbox_drain()
    mail.outbox.clear()
    return InstalmentPlan.objects.get()


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def test_a_part_is_reminded_three_days_before_it_is_due_once(gold, eligible):
    plan = placed_plan(gold, eligible)
    second = plan.instalments.get(number=2)
    eve = second.due - timedelta(days=3)

    assert services.instalments_remind(today=eve - timedelta(days=1)) == []
    assert services.instalments_remind(today=eve) == [second.pk]
    # The beat runs again the same day, the next day, and twice more.
    for day in (eve, eve, eve + timedelta(days=1), eve + timedelta(days=2)):
        assert services.instalments_remind(today=day) == []
    outbox_drain()
    outbox_drain()

    order = plan.order.number
    assert subjects() == [
        f"Instalment 2 of 3 for order {order} is due on {second.due:%-d %B}",
    ]
    assert gold.email in mail.outbox[0].to
    assert f"{second.amount} EUR" in mail.outbox[0].body
    assert OutboxMessage.objects.filter(topic=topics.REMINDER_EMAIL).count() == 1
    second.refresh_from_db()
    assert second.reminded_on == eve


def test_the_lead_time_is_a_setting(gold, eligible, settings):
    settings.INSTALMENT_REMINDER_DAYS = 7
    plan = placed_plan(gold, eligible)
    second = plan.instalments.get(number=2)
    assert services.instalments_remind(today=second.due - timedelta(days=8)) == []
    assert services.instalments_remind(today=second.due - timedelta(days=7)) == [second.pk]


def test_a_redelivered_reminder_sends_nothing_twice(gold, eligible):
    plan = placed_plan(gold, eligible)
    second = plan.instalments.get(number=2)
    services.instalments_remind(today=second.due - timedelta(days=1))
    message = OutboxMessage.objects.get(topic=topics.REMINDER_EMAIL)

    handlers._remind(message)
    handlers._remind(message)  # the relay delivers it again after a crash

    assert len(mail.outbox) == 1


def test_no_reminder_for_a_part_paid_or_cancelled_before_it_went_out(gold, eligible):
    plan = placed_plan(gold, eligible)
    second = plan.instalments.get(number=2)
    services.instalments_remind(today=second.due - timedelta(days=1))
    services.plan_pay_off(plan=plan, user=gold)
    mail.outbox.clear()

    handlers._remind(OutboxMessage.objects.get(topic=topics.REMINDER_EMAIL))

    assert mail.outbox == []
    third = plan.instalments.get(number=3)
    assert services.instalments_remind(today=third.due - timedelta(days=1)) == []


def test_a_collection_is_receipted_once(gold, eligible):
    plan = placed_plan(gold, eligible)
    second = plan.instalments.get(number=2)

    services.instalments_collect(today=second.due)
    services.instalments_collect(today=second.due)  # a rerun collects nothing
    outbox_drain()
    message = OutboxMessage.objects.get(topic=topics.RECEIPT_EMAIL)
    handlers._receipt(message)  # redelivered

    order = plan.order.number
    assert subjects() == [f"Receipt: {second.amount} EUR paid on order {order}"]
    body = mail.outbox[0].body
    assert "instalment 2 of 3" in body
    left = plan.instalments.get(number=3).amount
    assert f"Still to pay: {left} EUR" in body


def test_an_early_payoff_is_one_receipt_for_every_part(gold, eligible):
    plan = placed_plan(gold, eligible, count=6)
    paid = services.plan_pay_off(plan=plan, user=gold)
    outbox_drain()

    assert subjects() == [f"Receipt: {paid} EUR paid on order {plan.order.number}"]
    assert "instalments 2, 3, 4, 5, 6 of 6" in mail.outbox[0].body
    assert "paid in full" in mail.outbox[0].body
    assert plan.instalments.filter(status=Instalment.Status.PAID).count() == 6
    assert sum(plan.instalments.values_list("amount", flat=True)) == Decimal(plan.total)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_reminder_runs_at_once_queue_one_reminder(gold, eligible, round_):
    plan = placed_plan(gold, eligible)
    second = plan.instalments.get(number=2)
    eve = second.due - timedelta(days=2)

    first, other = at_once(
        lambda: services.instalments_remind(today=eve),
        lambda: services.instalments_remind(today=eve),
        what="two reminder runs",
    )

    assert sorted(first + other) == [second.pk]
    assert OutboxMessage.objects.filter(topic=topics.REMINDER_EMAIL).count() == 1
    outbox_drain()
    assert len([s for s in subjects() if s.startswith("Instalment 2 of 3")]) == 1
