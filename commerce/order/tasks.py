"""Order side effects, run by Celery after the order's transaction commits."""

import logging

from celery import shared_task
from django.db import transaction
from oscar.core.loading import get_class, get_model

from commerce import sites

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
CommunicationEventType = get_model("communication", "CommunicationEventType")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")


def _status_url(order) -> str | None:
    if order.user_id is None:
        return sites.site_url(
            sites.STOREFRONT,
            "customer:anon-order",
            order_number=order.number,
            hash=order.verification_hash(),
        )
    channel = (
        sites.PORTAL if order.site_id == sites.get_site(sites.PORTAL).site_id else sites.STOREFRONT
    )
    return sites.site_url(channel, "customer:order", order_number=order.number)


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_order_placed_email(order_id: int) -> bool:
    """Email the order confirmation once; returns False if it had already gone out.

    Safe to run twice: the order row is locked while we check for (and record)
    the ORDER_PLACED communication event.
    """
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("site", "user")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            logger.warning("Order %s vanished before its confirmation was sent", order_id)
            return False
        code = OrderDispatcher.ORDER_PLACED_EVENT_CODE
        if order.communication_events.filter(event_type__code=code).exists():
            return False
        # Oscar records a sent message only if its event type exists; the
        # record is what makes a second run a no-op, so make sure it does.
        CommunicationEventType.objects.get_or_create(
            code=code, defaults={"name": "Order placed", "category": "Order related"}
        )
        context = {
            "site": order.site,
            "user": order.user,
            "order": order,
            "lines": order.lines.all(),
            "status_url": _status_url(order),
        }
        OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, context)
        return True
