"""Order status changes and shipments, one service per move, all through
Oscar's ``set_status`` (which checks ``OSCAR_ORDER_STATUS_PIPELINE`` and
records the change).

The side effects of each move live here: shipping takes the stock out of the
warehouse and bills on-account orders for what shipped; rejection and
cancellation release stock and held credit and void or refund card payments;
the buyer is emailed. Each effect is an outbox row written in the move's
transaction.
"""

from __future__ import annotations

from django.db import transaction
from oscar.apps.order.exceptions import InvalidOrderStatus
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.billing import topics as billing_topics
from commerce.billing.invoicing import invoice_account, shipped_quantities
from commerce.core.locks import lock_order, retry_on_conflict
from commerce.instalments import services as instalments
from commerce.order import status as order_status
from commerce.order import stock
from commerce.order.exceptions import IllegalStatusChange
from commerce.order.models import PaymentMethod
from commerce.outbox.services import outbox_emit
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventType = get_model("order", "ShippingEventType")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")

# Statuses whose orders no longer hold stock or credit.
_RELEASING = {order_status.REJECTED, order_status.CANCELLED}
# Statuses an order can ship from.
_SHIPPABLE = {order_status.PLACED, order_status.PROCESSING}
SHIPPED_EVENT = "Shipped"


def approval_freeze(order) -> str | None:
    """The pending-approval freeze, the one place that states it: an order
    waiting for its approvers (its company's, or its household's owner)
    changes only by their decision, the buyer's cancellation or expiry
    (``by_approval``); nobody else, staff included, moves it, ships it, pays
    it or edits its lines. The reason, or None when ``order`` is not frozen.
    An order edit (``commerce.orderedit``) may change such an order's lines,
    and it keeps the order waiting for its approvers (the request is opened
    anew), so it never gets past them."""
    if order.status != order_status.PENDING_APPROVAL:
        return None
    return (
        f"Order {order.number} is waiting for its company's approvers; it leaves "
        "Pending approval only by their decision, the buyer's cancellation or expiry."
    )


def _locked(order):
    return lock_order(order)


def _move(order, status: str) -> str:
    old = order.status
    if status not in order.available_statuses():
        raise IllegalStatusChange(f"Order {order.number} is {old}; it cannot become {status}.")
    try:
        order.set_status(status)
    except InvalidOrderStatus as error:
        raise IllegalStatusChange(str(error)) from error
    return old


def _note(order, actor, message: str) -> None:
    OrderNote.objects.create(
        order=order,
        user=actor if actor is not None and actor.is_authenticated else None,
        note_type="Status",
        message=message,
    )


def _ship(order, quantities: dict[int, int] | None) -> bool:
    """Record a shipment of ``quantities`` (line id -> units; None = everything
    left) and take that stock out; returns True if the order is now fully shipped."""
    lines = {
        line.pk: line
        for line in order.lines.select_related("stockrecord", "product__product_class")
    }
    shipped = shipped_quantities(order)
    remaining = {pk: line.quantity - shipped.get(pk, 0) for pk, line in lines.items()}
    wanted = (
        {pk: left for pk, left in remaining.items() if left > 0}
        if quantities is None
        else quantities
    )
    if not wanted:
        raise IllegalStatusChange(f"Order {order.number} has nothing left to ship.")
    for pk, quantity in wanted.items():
        if pk not in lines:
            raise IllegalStatusChange(f"Order {order.number} has no line {pk}.")
        if not 0 < quantity <= remaining[pk]:
            raise IllegalStatusChange(
                f"{lines[pk].title}: {remaining[pk]} left to ship, cannot ship {quantity}."
            )
    stock.lock_records(lines[pk].product_id for pk in wanted)
    held = stock.allocations_of(lines[pk] for pk in wanted)
    event_type, _ = ShippingEventType.objects.get_or_create(name=SHIPPED_EVENT)
    event = ShippingEvent.objects.create(order=order, event_type=event_type)
    for pk in sorted(wanted):
        line, quantity = lines[pk], wanted[pk]
        ShippingEventQuantity.objects.create(event=event, line=line, quantity=quantity)
        if line.product.get_product_class().track_stock:
            stock.consume(line, quantity, held.get(pk, []))
    return all(remaining[pk] - wanted.get(pk, 0) == 0 for pk in lines)


@retry_on_conflict
def order_ship(*, order, quantities: dict[int, int] | None = None, actor=None) -> object:
    """Ship all or part of an order; a full shipment makes it Shipped, a partial
    one Processing. On-account orders are invoiced for what shipped."""
    with transaction.atomic():
        order = _locked(order)
        if order.status not in _SHIPPABLE:
            raise IllegalStatusChange(f"Order {order.number} is {order.status}; it cannot ship.")
        complete = _ship(order, quantities)
        old = order.status
        if old == order_status.PLACED:
            _move(order, order_status.PROCESSING)
        if complete:
            _move(order, order_status.SHIPPED)
        _note(order, actor, "Shipped in full" if complete else "Shipped in part")
        _after(order, old, order.status)
    return order


@retry_on_conflict
def order_set_status(
    *, order, status: str, actor=None, note: str = "", by_approval: bool = False
) -> object:
    """Move ``order`` to ``status`` with its side effects; refuses illegal moves.

    An order waiting for approval leaves that status only through the approval
    service (a decision, the buyer's cancellation or expiry), which passes
    ``by_approval``: nobody, staff included, can move it past its approvers.
    """
    with transaction.atomic():
        order = _locked(order)
        frozen = approval_freeze(order)
        if frozen and not by_approval:
            raise IllegalStatusChange(frozen)
        if status == order_status.SHIPPED:
            if order.status not in _SHIPPABLE:
                raise IllegalStatusChange(
                    f"Order {order.number} is {order.status}; it cannot become {status}."
                )
            old = order.status
            _ship(order, None)
            if old == order_status.PLACED:
                _move(order, order_status.PROCESSING)
            _move(order, order_status.SHIPPED)
        else:
            old = _move(order, status)
        if status in _RELEASING:
            # Lock order: the instalment plan (step 6b) and the credit account
            # (step 7) before the stock records (step 9).
            if order.payment_method == PaymentMethod.INSTALMENTS:
                instalments.plan_release(order=order, actor=actor)
            credit.credit_release(
                order=order, actor=actor, reason=f"Order {order.number} {status.lower()}"
            )
            stock.release(order)
        if note or actor is not None:
            _note(order, actor, f"{old} → {status}" + (f": {note}" if note else ""))
        _after(order, old, status)
    return order


# Statuses an order can still be edited in (nothing picked or shipped yet).
EDITABLE = frozenset({order_status.PENDING_APPROVAL, order_status.PLACED})


def order_back_to_approval(*, order, actor=None, reason: str = "") -> object:
    """A Placed order whose edit needs approval again waits for its approvers:
    the one move back in the pipeline, made only by an order edit that holds
    the order's lock (step 4), before anything was shipped. Recorded as a
    status change (Oscar's history) and a note, like every other move."""
    if order.status != order_status.PLACED:
        raise IllegalStatusChange(
            f"Order {order.number} is {order.status}; it cannot go back to approval."
        )
    old = order.status
    order.status = order_status.PENDING_APPROVAL
    order.save(update_fields=["status"])
    order.lines.update(status=order_status.PENDING_APPROVAL)
    order.status_changes.create(old_status=old, new_status=order.status)
    _note(order, actor, f"{old} → {order.status}" + (f": {reason}" if reason else ""))
    _after(order, old, order.status)
    return order


def _after(order, old: str, status: str) -> None:
    """The move's side effects, as outbox rows in its transaction."""
    from commerce.order import handlers

    order_id = order.pk
    card = order.payment_method == PaymentMethod.CARD
    if card and status == order_status.PLACED and old == order_status.PENDING_APPROVAL:
        outbox_emit(topic=handlers.TOPIC_CAPTURE, payload={"order": order_id})
    # An instalment order's card payment is its first part.
    if (card or order.payment_method == PaymentMethod.INSTALMENTS) and status in _RELEASING:
        outbox_emit(topic=handlers.TOPIC_RELEASE, payload={"order": order_id})
    if (
        status in (order_status.SHIPPED, order_status.PROCESSING)
        and invoice_account(order) is not None
    ):
        outbox_emit(topic=billing_topics.ISSUE_INVOICE, payload={"order": order_id})
    if status != old and status in (order_status.SHIPPED, order_status.CANCELLED):
        outbox_emit(
            topic=handlers.TOPIC_STATUS_EMAIL, payload={"order": order_id, "status": status}
        )
    if status != old:
        data = events.order_data(order)
        webhook_event(type=events.ORDER_STATUS_CHANGED, data={**data, "previous_status": old})
    if status in (order_status.SHIPPED, order_status.PROCESSING) or status in _RELEASING:
        products = sorted(set(order.lines.values_list("product_id", flat=True)))
        reason = "released" if status in _RELEASING else "shipped"
        webhook_event(
            type=events.STOCK_CHANGED,
            data={"products": products, "reason": reason, "order": str(order.number)},
        )
