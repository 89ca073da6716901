"""The webhook event types, and how a business change announces one.

``webhook_event`` is called by the service that makes the change, inside its
transaction: the event is an outbox row that commits (or not) with the change.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from commerce.outbox.services import outbox_emit

TOPIC_EVENT = "webhook.event"
TOPIC_DELIVERY = "webhook.delivery"

ORDER_PLACED = "order.placed"
ORDER_STATUS_CHANGED = "order.status_changed"
APPROVAL_DECIDED = "approval.decided"
INVOICE_ISSUED = "invoice.issued"
PAYMENT_RECORDED = "payment.recorded"
CREDIT_HOLD_CHANGED = "credit.hold_changed"
COMPANY_UPDATED = "company.updated"
PRODUCT_UPDATED = "product.updated"
STOCK_CHANGED = "stock.changed"
DEALER_ORDER_OFFERED = "dealer.order_offered"

EVENT_TYPES = (
    ORDER_PLACED,
    ORDER_STATUS_CHANGED,
    APPROVAL_DECIDED,
    INVOICE_ISSUED,
    PAYMENT_RECORDED,
    CREDIT_HOLD_CHANGED,
    COMPANY_UPDATED,
    PRODUCT_UPDATED,
    STOCK_CHANGED,
    DEALER_ORDER_OFFERED,
)


def webhook_event(*, type: str, data: dict) -> None:
    """Announce ``type`` with ``data`` (JSON: ids, strings, money as strings)."""
    topic, payload = webhook_message(type=type, data=data)
    outbox_emit(topic=topic, payload=payload)


def webhook_message(*, type: str, data: dict) -> tuple[str, dict]:
    """The outbox row (topic, payload) announcing ``type``, for a caller that
    writes several rows at once (``outbox_emit_many``)."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {type!r}")
    return TOPIC_EVENT, {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": type,
        "created": timezone.now().isoformat(),
        "data": data,
    }


def money(value) -> str | None:
    return None if value is None else str(value)


def order_data(order) -> dict:
    return {
        "number": str(order.number),
        "site": _site(order),
        "status": order.status,
        "total_incl_tax": money(order.total_incl_tax),
        "total_excl_tax": money(order.total_excl_tax),
        "currency": order.currency,
        "company": order.company_id,
        "payment_method": getattr(order, "payment_method", ""),
    }


def _site(order) -> str:
    from commerce import sites

    for channel in (sites.STOREFRONT, sites.PORTAL):
        if sites.get_site(channel).site_id == order.site_id:
            return channel
    return ""
