"""Outbox handlers of card payments."""

from __future__ import annotations

from decimal import Decimal

from commerce.outbox.registry import register
from commerce.outbox.services import effect_once
from commerce.payments import topics
from commerce.payments.services import (
    payment_capture_authorization,
    payment_refund,
    payment_refund_authorization,
    payment_void_authorization_id,
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


@register(topics.VOID_AUTHORIZATION)
def _void(message) -> None:
    authorization = message.payload["authorization"]
    effect_once(message, lambda: payment_void_authorization_id(authorization), step="void")


@register(topics.REFUND_ORDER)
def _refund(message) -> None:
    from oscar.core.loading import get_model

    order = get_model("order", "Order").objects.filter(pk=message.payload["order"]).first()
    if order is None:
        return
    amount = Decimal(message.payload["amount"])
    effect_once(message, lambda: payment_refund(order=order, amount=amount), step="refund")


@register(topics.REFUND_AUTHORIZATION)
def _refund_authorization(message) -> None:
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
