"""Cancelling an instalment order releases its plan: unpaid parts cancelled,
their hold given back on the credit account, paid parts refunded by card
through the outbox; the ledger still equals what the plans owe."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.billing.models import LedgerEntry
from commerce.fulfilment.transitions import order_set_status
from commerce.instalments import services
from commerce.instalments.models import Instalment, InstalmentPlan
from commerce.order import status as order_status
from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_drain
from commerce.payments import topics as payment_topics
from commerce.payments.models import SandboxAuthorization
from tests import factories
from tests.api.conftest import storefront_api
from tests.helpers import at_once
from tests.instalments.conftest import fill, instalments_body

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
ZERO = Decimal("0.00")


def placed_plan(gold, eligible, count=3) -> InstalmentPlan:
    client = storefront_api(gold)
    fill(client, eligible)
    response = client.post("/api/checkout/", instalments_body(count), format="json")
    assert response.status_code == 201, response.content
    outbox_drain()  # the first part is captured
    return InstalmentPlan.objects.get(order__number=response.json()["number"])


def cancel(plan):
    order_set_status(
        order=plan.order, status=order_status.CANCELLED, actor=factories.StaffFactory()
    )
    outbox_drain()
    plan.refresh_from_db()


def owed(plans) -> Decimal:
    return sum((services.outstanding(p) for p in plans), ZERO)


def hold(authorization_id) -> SandboxAuthorization:
    return SandboxAuthorization.objects.get(authorization_id=authorization_id)


def test_cancelling_after_a_collection_refunds_paid_parts_and_releases_the_rest(gold, eligible):
    plan = placed_plan(gold, eligible)
    first, second, third = plan.instalments.order_by("number")
    services.instalments_collect(today=second.due)
    outbox_drain()
    second.refresh_from_db()
    assert hold(second.reference).captured == second.amount

    cancel(plan)

    assert plan.status == InstalmentPlan.Status.CANCELLED
    statuses = list(plan.instalments.order_by("number").values_list("status", flat=True))
    assert statuses == ["paid", "paid", "cancelled"]
    assert credit.exposure_of(plan.account) == ZERO == owed([plan])
    release = LedgerEntry.objects.get(account=plan.account, kind=LedgerEntry.Kind.ORDER_RELEASED)
    assert release.amount == -third.amount
    # Part 2 (its own authorization) and part 1 (the order's card payment) refunded.
    assert hold(second.reference).refunded == second.amount
    order = Order.objects.get(pk=plan.order_id)
    assert order.sources.get().amount_refunded == first.amount
    refunds = OutboxMessage.objects.filter(topic=payment_topics.REFUND_AUTHORIZATION)
    assert [m.payload["authorization"] for m in refunds] == [second.reference]
    assert all(m.status == OutboxMessage.Status.DONE for m in refunds)
    events = order.payment_events.filter(event_type__name="Refunded")
    assert sorted(e.amount for e in events) == sorted([first.amount, second.amount])


def test_cancelling_right_after_placement_releases_everything_after_the_first(gold, eligible):
    plan = placed_plan(gold, eligible, count=6)
    first = plan.instalments.get(number=1)
    account = plan.account
    assert credit.exposure_of(account) == plan.total - first.amount

    cancel(plan)

    assert credit.exposure_of(account) == ZERO
    assert plan.instalments.filter(status=Instalment.Status.CANCELLED).count() == 5
    assert not OutboxMessage.objects.filter(topic=payment_topics.REFUND_AUTHORIZATION).exists()
    assert Order.objects.get(pk=plan.order_id).sources.get().amount_refunded == first.amount


def test_a_cancelled_plan_collects_nothing_and_cannot_be_paid_off(gold, eligible):
    plan = placed_plan(gold, eligible)
    cancel(plan)
    before = SandboxAuthorization.objects.count()

    result = services.instalments_collect(today=plan.instalments.last().due + timedelta(days=1))

    assert result.paid == [] and result.failed == []
    assert SandboxAuthorization.objects.count() == before
    with pytest.raises(services.InstalmentError):
        services.plan_pay_off(plan=plan, user=gold)
    assert services.instalments_remind(today=plan.instalments.last().due) == []


def test_releasing_twice_changes_nothing(gold, eligible):
    plan = placed_plan(gold, eligible)
    cancel(plan)
    entries = LedgerEntry.objects.count()
    with transaction.atomic():
        assert services.plan_release(order=plan.order) is None
    assert LedgerEntry.objects.count() == entries


def test_the_ledger_equals_what_the_plans_owe_when_one_of_two_is_cancelled(gold, eligible):
    kept = placed_plan(gold, eligible, count=3)
    gone = placed_plan(gold, eligible, count=6)
    services.instalments_collect(today=gone.instalments.get(number=2).due)
    outbox_drain()

    cancel(gone)

    kept.refresh_from_db()
    assert credit.exposure_of(kept.account) == owed([kept, gone]) == services.outstanding(kept)
    assert services.outstanding(gone) == ZERO


def test_a_refund_before_its_capture_is_retried_not_lost(gold, eligible, monkeypatch):
    from commerce.payments.gateway import PaymentUnavailable
    from commerce.payments.sandbox import SandboxGateway

    plan = placed_plan(gold, eligible)
    second = plan.instalments.get(number=2)
    real_refund = SandboxGateway.refund

    def outage(self, **kwargs):
        raise PaymentUnavailable("The payment service is not answering.")

    services.instalments_collect(today=second.due)
    outbox_drain()
    monkeypatch.setattr(SandboxGateway, "refund", outage)
    cancel(plan)
    message = OutboxMessage.objects.get(topic=payment_topics.REFUND_AUTHORIZATION)
    assert message.status != OutboxMessage.Status.DONE

    monkeypatch.setattr(SandboxGateway, "refund", real_refund)
    from commerce.outbox.services import outbox_retry

    outbox_retry(ids=[message.pk])
    outbox_drain()
    second.refresh_from_db()
    assert hold(second.reference).refunded == second.amount


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_a_cancellation_and_a_collection_at_once_leave_the_ledger_whole(gold, eligible, round_):
    plan = placed_plan(gold, eligible)
    second = plan.instalments.get(number=2)
    staff = factories.StaffFactory()

    at_once(
        lambda: services.instalments_collect(today=second.due),
        lambda: order_set_status(order=plan.order, status=order_status.CANCELLED, actor=staff),
        what="a collection and a cancellation",
    )
    outbox_drain()

    plan.refresh_from_db()
    second.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.CANCELLED
    assert credit.exposure_of(plan.account) == ZERO
    if second.status == Instalment.Status.PAID:  # collected first: refunded
        assert hold(second.reference).refunded == second.amount
    else:  # cancelled first: the collection's hold was voided, nothing taken
        assert second.status == Instalment.Status.CANCELLED
        new = SandboxAuthorization.objects.filter(captured__gt=0).exclude(
            authorization_id=plan.instalments.get(number=1).reference
        )
        assert not new.exists()
