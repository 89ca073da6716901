"""Outbox handlers: an event fans out to its endpoints; a delivery is one POST."""

from commerce.outbox.registry import handler_for, register
from commerce.webhooks import services
from commerce.webhooks.events import TOPIC_DELIVERY, TOPIC_EVENT


@register(TOPIC_EVENT)
def fan_out(message) -> None:
    services.webhook_fan_out(envelope=message.payload)


@register(TOPIC_DELIVERY, retry_delays=services.retry_delays)
def deliver(message) -> None:
    services.webhook_deliver(
        delivery_id=message.payload["delivery"],
        attempt=message.attempts,
        handler=handler_for(TOPIC_DELIVERY),
    )
