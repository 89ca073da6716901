"""Two collections of one plan at once, on PostgreSQL with real threads: the
plan's lock (step 6b) lets one settle the due part; the other voids its hold.
The money is captured once, through the outbox, after the settling commit."""

from datetime import timedelta
from decimal import Decimal

import pytest

from commerce.billing import credit
from commerce.instalments import services
from commerce.instalments.models import Instalment, InstalmentPlan
from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_drain
from commerce.payments import topics
from commerce.payments.models import SandboxAuthorization
from tests.api.conftest import storefront_api
from tests.helpers import at_once
from tests.instalments.conftest import fill, instalments_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def placed_plan(gold, eligible) -> InstalmentPlan:
    client = storefront_api(gold)
    fill(client, eligible)
    response = client.post("/api/checkout/", instalments_body(3), format="json")
    assert response.status_code == 201, response.content
    return InstalmentPlan.objects.get()


@pytest.mark.parametrize("round_", range(3))
def test_two_collections_at_once_settle_each_part_once_and_capture_once(gold, eligible, round_):
    plan = placed_plan(gold, eligible)
    owed_before = services.outstanding(plan)
    second = plan.instalments.get(number=2)
    day = second.due + timedelta(days=1)
    before = set(SandboxAuthorization.objects.values_list("pk", flat=True))

    first, other = at_once(
        lambda: services.instalments_collect(today=day),
        lambda: services.instalments_collect(today=day),
        what="two collections",
    )

    paid = first.paid + other.paid
    assert paid.count(second.pk) == 1
    second.refresh_from_db()
    assert second.status == Instalment.Status.PAID
    assert services.outstanding(plan) == owed_before - second.amount
    assert credit.exposure_of(plan.account) == services.outstanding(plan)
    # Both runs authorised; the loser's hold is void, the winner's captured once.
    holds = SandboxAuthorization.objects.exclude(pk__in=before)
    assert holds.filter(void=False).count() == 1
    kept = holds.get(void=False)
    assert kept.captured == second.amount
    captures = OutboxMessage.objects.filter(topic=topics.CAPTURE_AUTHORIZATION)
    assert [m.payload["authorization"] for m in captures] == [kept.authorization_id]


def test_a_gateway_outage_at_capture_time_leaves_the_capture_queued_not_lost(
    gold, eligible, monkeypatch
):
    """The part is settled and its capture is an outbox row of that commit: a
    failing capture is retried by the relay, never dropped."""
    from commerce.outbox.services import outbox_retry
    from commerce.payments.gateway import PaymentUnavailable
    from commerce.payments.sandbox import SandboxGateway

    plan = placed_plan(gold, eligible)
    second = plan.instalments.get(number=2)
    real_capture = SandboxGateway.capture

    def outage(self, **kwargs):
        raise PaymentUnavailable("The payment service is not answering.")

    monkeypatch.setattr(SandboxGateway, "capture", outage)
    assert services.instalments_collect(today=second.due).paid == [second.pk]
    message = OutboxMessage.objects.get(topic=topics.CAPTURE_AUTHORIZATION)
    message.refresh_from_db()
    assert message.status != OutboxMessage.Status.DONE
    hold = SandboxAuthorization.objects.get(authorization_id=message.payload["authorization"])
    assert hold.captured == Decimal("0.00")

    monkeypatch.setattr(SandboxGateway, "capture", real_capture)
    outbox_retry(ids=[message.pk])
    outbox_drain()

    hold.refresh_from_db()
    assert hold.captured == second.amount
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.DONE
