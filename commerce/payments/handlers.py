"""Outbox handlers of card payments."""

from __future__ import annotations

from decimal import Decimal

from commerce.outbox.registry import register
from commerce.outbox.services import effect_once
from commerce.payments import topics
from commerce.payments.services import (
    payment_capture_authorization,
    payment_refund_authorization,
)


@register(topics.CAPTURE_AUTHORIZATION)
def _capture(message) -> None:
    payload = message.payload
    effect_once(
        message,
        lambda: payment_capture_authorization(
            authorization_id=payload["authorization"], amount=Decimal(payload["amount"])
        ),
        step="capture",
    )


@register(topics.REFUND_AUTHORIZATION)
def _refund(message) -> None:
    payload = message.payload
    effect_once(
        message,
        lambda: payment_refund_authorization(
            authorization_id=payload["authorization"],
            amount=Decimal(payload["amount"]),
            order_id=payload.get("order"),
        ),
        step="refund",
    )
