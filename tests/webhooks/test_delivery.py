"""Webhooks end to end against a real HTTP receiver on 127.0.0.1: each event
once, signed; retries while the receiver fails; redelivery on request."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from commerce.fulfilment.transitions import order_set_status
from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_relay
from commerce.webhooks import events, signing
from commerce.webhooks.models import WebhookDelivery
from commerce.webhooks.services import webhook_endpoint_create, webhook_redeliver
from tests import factories
from tests.helpers import place_portal_order


def _verified(request, secret) -> bool:
    return signing.verify(
        secret,
        request["headers"]["Webhook-Signature"],
        request["body"],
        now=int(time.time()),
    )


def _drain():
    while outbox_relay().claimed:
        pass


def _all_due():
    OutboxMessage.objects.exclude(status="done").update(next_attempt_at=timezone.now())


@pytest.fixture
def company(db):
    return factories.business("Hooked GmbH")


def _order(company, committed, quantity=2):
    user = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=10)
    with committed():
        return place_portal_order(company, user, product, quantity).order


@pytest.mark.django_db
def test_a_placed_order_reaches_the_receiver_once_signed(receiver, company, committed):
    endpoint = webhook_endpoint_create(
        url=receiver.url, events=[events.ORDER_PLACED], actor=factories.StaffFactory()
    )

    order = _order(company, committed)
    _drain()

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    envelope = receiver.events()[0]
    assert set(envelope) == {"id", "type", "created", "data"}
    assert envelope["type"] == "order.placed"
    assert request["headers"]["Webhook-Id"] == envelope["id"]
    assert request["headers"]["Content-Type"] == "application/json"
    assert _verified(request, endpoint.secret)
    assert not _verified(request, "whsec_someone-else")
    data = envelope["data"]
    assert data["number"] == str(order.number)
    assert data["site"] == "portal"
    assert data["status"] == order.status
    assert data["total_incl_tax"] == str(order.total_incl_tax)
    assert data["total_excl_tax"] == str(order.total_excl_tax)
    assert data["currency"] == order.currency
    assert data["company"] == company.pk
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)


@pytest.mark.django_db
def test_a_receiver_gets_only_the_events_it_subscribed_to(receiver, company, committed):
    webhook_endpoint_create(
        url=receiver.url, events=[events.ORDER_STATUS_CHANGED], actor=factories.StaffFactory()
    )
    order = _order(company, committed)
    with committed():
        order_set_status(order=order, status="Cancelled")
    _drain()

    assert [e["type"] for e in receiver.events()] == ["order.status_changed"]
    data = receiver.events()[0]["data"]
    assert (data["number"], data["status"], data["previous_status"]) == (
        str(order.number),
        "Cancelled",
        "Placed",
    )


@pytest.mark.django_db
def test_a_failing_receiver_is_retried_until_it_answers(receiver, company, committed, settings):
    settings.WEBHOOK_RETRY_DELAYS = [10, 60, 300]
    endpoint = webhook_endpoint_create(
        url=receiver.url, events=[events.ORDER_PLACED], actor=factories.StaffFactory()
    )
    receiver.status = 500

    _order(company, committed)
    delivery = WebhookDelivery.objects.get()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("pending", 500, 1)
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=9)
    assert outbox_relay().claimed == 0  # waits for its backoff

    _all_due()
    _drain()
    assert len(receiver.requests) == 2
    receiver.status = 204
    _all_due()
    _drain()
    _all_due()
    _drain()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 204, 3)
    assert len(receiver.requests) == 3
    assert len({r["headers"]["Webhook-Id"] for r in receiver.requests}) == 1
    assert all(_verified(r, endpoint.secret) for r in receiver.requests)


@pytest.mark.django_db
def test_a_receiver_that_never_answers_2xx_ends_failed(receiver, company, committed, settings):
    settings.WEBHOOK_RETRY_DELAYS = [10]
    webhook_endpoint_create(
        url=receiver.url, events=[events.ORDER_PLACED], actor=factories.StaffFactory()
    )
    receiver.status = 503

    _order(company, committed)
    _all_due()
    _drain()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 2, 503)
    assert delivery.next_attempt_at is None
    assert OutboxMessage.objects.get(topic="webhook.delivery").status == "dead"
    assert len(receiver.requests) == 2


@pytest.mark.django_db
def test_one_failing_receiver_does_not_hold_up_another(receiver, company, committed):
    webhook_endpoint_create(
        url="http://127.0.0.1:9/nobody-listens",
        events=[events.ORDER_PLACED],
        actor=factories.StaffFactory(),
    )
    webhook_endpoint_create(
        url=receiver.url, events=[events.ORDER_PLACED], actor=factories.StaffFactory()
    )

    _order(company, committed)

    statuses = dict(WebhookDelivery.objects.values_list("endpoint__url", "status"))
    assert statuses[receiver.url] == "delivered"
    assert statuses["http://127.0.0.1:9/nobody-listens"] == "pending"
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_redelivery_on_request_sends_the_same_event_again(receiver, company, committed):
    endpoint = webhook_endpoint_create(
        url=receiver.url, events=[events.ORDER_PLACED], actor=factories.StaffFactory()
    )
    _order(company, committed)
    delivery = WebhookDelivery.objects.get()
    _all_due()
    _drain()
    assert len(receiver.requests) == 1  # delivered is delivered: no resend by itself

    with committed():
        webhook_redeliver(delivery=delivery)

    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert second["headers"]["Webhook-Id"] == first["headers"]["Webhook-Id"]
    assert _verified(second, endpoint.secret)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


@pytest.mark.django_db
def test_an_event_fanned_out_twice_is_delivered_once(receiver, company, committed):
    webhook_endpoint_create(
        url=receiver.url, events=[events.COMPANY_UPDATED], actor=factories.StaffFactory()
    )
    with transaction.atomic():
        events.webhook_event(type=events.COMPANY_UPDATED, data={"id": company.pk})
    message = OutboxMessage.objects.get(topic="webhook.event")
    outbox_relay(ids=[message.pk])
    # The fan-out runs again (a relay died before marking it done).
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending")
    outbox_relay(ids=[message.pk])
    _drain()

    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_an_inactive_endpoint_gets_nothing(receiver, company, committed):
    endpoint = webhook_endpoint_create(
        url=receiver.url, events=[events.ORDER_PLACED], actor=factories.StaffFactory()
    )
    endpoint.active = False
    endpoint.save(update_fields=["active"])

    _order(company, committed)
    _drain()

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()
