"""Webhook endpoints (register, change, remove), fan-out of events to them and
the delivery of one event to one endpoint."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commerce.outbox.services import outbox_emit, retry_delay
from commerce.webhooks import signing, transport
from commerce.webhooks.events import EVENT_TYPES, TOPIC_DELIVERY
from commerce.webhooks.exceptions import DeliveryFailed, UnknownEventType, UnsafeWebhookURL
from commerce.webhooks.models import WebhookDelivery, WebhookEndpoint
from commerce.webhooks.urls_guard import check_url


def _clean_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise UnknownEventType("Choose at least one event type.")
    unknown = sorted({str(e) for e in events} - set(EVENT_TYPES))
    if unknown:
        raise UnknownEventType(
            f"Unknown event type(s): {', '.join(unknown)}. Known: {', '.join(EVENT_TYPES)}."
        )
    return [e for e in EVENT_TYPES if e in set(events)]


def webhook_endpoint_create(
    *, url: str, events, actor, secret: str | None = None, description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint; a secret is generated when none is given. Refuses
    URLs the guard refuses (see ``urls_guard``)."""
    check_url(url)
    return WebhookEndpoint.objects.create(
        url=url,
        events=_clean_events(events),
        secret=secret or signing.new_secret(),
        description=description,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, **fields) -> WebhookEndpoint:
    """Change url, events, secret, active or description."""
    changed = []
    if "url" in fields:
        check_url(fields["url"])
        endpoint.url = fields["url"]
        changed.append("url")
    if "events" in fields:
        endpoint.events = _clean_events(fields["events"])
        changed.append("events")
    for name in ("active", "description", "secret"):
        if name in fields and fields[name] is not None:
            setattr(endpoint, name, fields[name])
            changed.append(name)
    if changed:
        endpoint.save(update_fields=changed)
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def webhook_fan_out(*, envelope: dict) -> list[WebhookDelivery]:
    """One delivery row per active endpoint that wants the event, each with its
    own outbox row (a failing receiver does not hold up the others). Running
    this twice for the same event adds nothing."""
    created = []
    with transaction.atomic():
        for endpoint in WebhookEndpoint.objects.filter(active=True).order_by("pk"):
            if not endpoint.wants(envelope["type"]):
                continue
            delivery, new = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint,
                event_id=envelope["id"],
                defaults={"event_type": envelope["type"], "payload": envelope},
            )
            if new:
                outbox_emit(topic=TOPIC_DELIVERY, payload={"delivery": delivery.pk})
                created.append(delivery)
    return created


def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (staff asked): same event id, a fresh signature."""
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now()
        )
        outbox_emit(topic=TOPIC_DELIVERY, payload={"delivery": delivery.pk})
    delivery.refresh_from_db()
    return delivery


def retry_delays() -> tuple[int, ...]:
    return tuple(settings.WEBHOOK_RETRY_DELAYS)


def webhook_deliver(*, delivery_id: int, attempt: int, handler=None) -> bool:
    """POST one delivery. 2xx: delivered. Anything else raises DeliveryFailed so
    the outbox retries on the webhook schedule; after the last try the delivery
    is marked failed. Returns False when there was nothing to send."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or not delivery.endpoint.active:
        return False
    if delivery.status == WebhookDelivery.Status.DELIVERED and attempt > 1:
        return False  # a retry of a delivery that already went through
    endpoint = delivery.endpoint
    now = timezone.now()
    body = signing.body_of(delivery.payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "commerce-webhooks/1",
        "Webhook-Id": delivery.event_id,
        "Webhook-Signature": signing.signature(endpoint.secret, timestamp, body),
    }
    code, error = None, ""
    try:
        _, _, port, addresses = check_url(endpoint.url)
        answer = transport.post(
            endpoint.url,
            address=addresses[0],
            port=port,
            body=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
        code = answer.status
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except UnsafeWebhookURL as refused:
        error = str(refused)
    except (OSError, ValueError) as failure:
        error = f"{type(failure).__name__}: {failure}"[:2000]
    update = {
        "attempts": delivery.attempts + 1,
        "last_attempt_at": now,
        "response_code": code,
        "last_error": error,
    }
    if not error:
        update |= {
            "status": WebhookDelivery.Status.DELIVERED,
            "delivered_at": now,
            "next_attempt_at": None,
        }
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**update)
        return True
    delay = retry_delay(handler, attempt)
    if delay is None:
        update |= {"status": WebhookDelivery.Status.FAILED, "next_attempt_at": None}
    else:
        update |= {
            "status": WebhookDelivery.Status.PENDING,
            "next_attempt_at": now + timedelta(seconds=delay),
        }
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**update)
    raise DeliveryFailed(error)
