"""Order editing's side effects, delivered from the outbox (once per row)."""

from __future__ import annotations

from oscar.core.loading import get_model

from commerce import sites
from commerce.core.emails import send_templated_email
from commerce.orderedit import topics
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once

Order = get_model("order", "Order")


def _order_url(order) -> str:
    if order.site_id == sites.get_site(sites.PORTAL).site_id:
        return sites.site_url(sites.PORTAL, "portal:order-detail", number=order.number)
    return sites.site_url(sites.STOREFRONT, "customer:order", order_number=order.number)


def notify_buyer(order_id: int, changes: str) -> int:
    """Tell the buyer what changed on their order (and its new total)."""
    order = Order.objects.select_related("user").filter(pk=order_id).first()
    if order is None:
        return 0
    recipient = order.user.email if order.user_id else order.guest_email
    return send_templated_email(
        to=[recipient],
        template="order_edited",
        context={"order": order, "changes": changes, "url": _order_url(order)},
    )


@register(topics.EDITED_EMAIL)
def _edited_email(message) -> None:
    payload = message.payload
    effect_once(message, lambda: notify_buyer(payload["order"], payload["changes"]), step="email")
