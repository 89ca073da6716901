"""Reading an order for editing: its version and who may edit it now."""

from __future__ import annotations

import hashlib
import json

from oscar.core.loading import get_model

from accounts import policy, staff_policy
from accounts.selectors import membership_for
from commerce.fulfilment import transitions
from commerce.order import status as order_status
from commerce.order.models import PaymentMethod

Order = get_model("order", "Order")

ORDER_DESK = "orders_dashboard"


def order_version(order) -> str:
    """What an editor saw: changes whenever the status, lines, total or address
    change (uses ``order.lines.all()``, so a prefetch costs no query)."""
    lines = sorted((line.pk, line.quantity) for line in order.lines.all())
    payload = [order.status, str(order.total_incl_tax), order.shipping_address_id, lines]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


def edit_denial(order, actor) -> str | None:
    """Why ``actor`` may not edit ``order`` now (None: they may)."""
    if order.status not in transitions.EDITABLE:
        return f"Order {order.number} is {order.status}; it can no longer be edited."
    if order.payment_method == PaymentMethod.INSTALMENTS:
        return f"Order {order.number} is paid in instalments; it cannot be edited."
    if hasattr(order, "dealer_routing"):
        return f"Order {order.number} is served by a dealer; it cannot be edited."
    if actor is None or not actor.is_authenticated:
        return "Sign in to edit an order."
    if staff_policy.may_use_section(actor, ORDER_DESK):
        if order.company_id is None or (
            staff_policy.company_scope(Order.objects.filter(pk=order.pk), actor).exists()
        ):
            return None
        return f"Order {order.number} is not one of your companies'."
    if order.status != order_status.PENDING_APPROVAL:
        return (
            f"Order {order.number} is {order.status}; buyers edit an order only while it "
            "waits for approval. Ask us to change it."
        )
    membership = membership_for(actor, order.company_id) if order.company_id else None
    if membership is None or not policy.admits_to_portal(membership):
        return "Only the buyer who placed the order, or a company admin, can edit it."
    if actor.pk == order.user_id and policy.can(membership, policy.Action.PLACE_ORDER):
        return None
    if policy.is_company_admin(membership):
        return None
    return "Only the buyer who placed the order, or a company admin, can edit it."


def may_edit(order, actor) -> bool:
    return edit_denial(order, actor) is None
