"""Order side effects, delivered from the outbox after the order's transaction
commits: confirmation and status emails, card capture and release. Each is
safe to run again (a communication event or the payment source records it)."""

import logging

from django.db import transaction
from oscar.core.loading import get_class, get_model

from commerce import sites
from commerce.core.emails import send_templated_email
from commerce.outbox.registry import register
from commerce.payments import services as payments

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
    if order.site_id == sites.get_site(sites.PORTAL).site_id:
        return sites.site_url(sites.PORTAL, "portal:order-detail", number=order.number)
    return sites.site_url(sites.STOREFRONT, "customer:order", order_number=order.number)


TOPIC_PLACED_EMAIL = "order.placed_email"
TOPIC_STATUS_EMAIL = "order.status_email"
TOPIC_CAPTURE = "order.capture_payment"
TOPIC_RELEASE = "order.release_payment"


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
            "order_site": sites.get_site(sites.channel_of_site_id(order.site_id)),
        }
        OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, context)
        return True


def capture_payment(order_id: int) -> bool:
    """Take the card payment of a placed order (once; retried while the gateway is down)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return False
    return payments.payment_capture(order=order)


def release_payment(order_id: int) -> None:
    """Void the hold of a rejected or cancelled order, or refund what was taken."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None and not payments.payment_void(order=order):
        payments.payment_refund(order=order)


def send_order_status_email(order_id: int, status: str) -> bool:
    """Tell the buyer their order shipped (or was cancelled); once per status."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("site", "user")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            return False
        code = f"ORDER_{status.upper().replace(' ', '_')}"
        if order.communication_events.filter(event_type__code=code).exists():
            return False
        event_type, _ = CommunicationEventType.objects.get_or_create(
            code=code, defaults={"name": f"Order {status.lower()}", "category": "Order related"}
        )
        recipient = order.user.email if order.user_id else order.guest_email
        sent = send_templated_email(
            to=[recipient],
            template=f"order_{status.lower().replace(' ', '_')}",
            context={"order": order, "status_url": _status_url(order)},
        )
        if sent:
            order.communication_events.create(event_type=event_type)
        return bool(sent)


@register(TOPIC_PLACED_EMAIL)
def _placed_email(message) -> None:
    send_order_placed_email(message.payload["order"])


@register(TOPIC_STATUS_EMAIL)
def _status_email(message) -> None:
    send_order_status_email(message.payload["order"], message.payload["status"])


@register(TOPIC_CAPTURE)
def _capture(message) -> None:
    capture_payment(message.payload["order"])


@register(TOPIC_RELEASE)
def _release(message) -> None:
    release_payment(message.payload["order"])
