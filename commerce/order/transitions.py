"""Order status changes, one service per move, all through Oscar's ``set_status``
(which checks ``OSCAR_ORDER_STATUS_PIPELINE`` and records the change).

The side effects of each move live here: stock is consumed on shipping and
released on rejection or cancellation; card holds are captured, voided or
refunded; the buyer is emailed (Celery, after commit).
"""

from __future__ import annotations

from django.db import transaction
from oscar.apps.order.exceptions import InvalidOrderStatus
from oscar.core.loading import get_model

from commerce.order import status as order_status
from commerce.order import stock
from commerce.order.exceptions import IllegalStatusChange
from commerce.order.models import PaymentMethod
from commerce.payments import services as payments

Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")

# Statuses whose orders no longer hold stock.
_RELEASING = {order_status.REJECTED, order_status.CANCELLED}


def order_set_status(*, order, status: str, actor=None, note: str = "") -> object:
    """Move ``order`` to ``status`` with its side effects; refuses illegal moves."""
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        old = order.status
        if status not in order.available_statuses():
            raise IllegalStatusChange(f"Order {order.number} is {old}; it cannot become {status}.")
        try:
            order.set_status(status)
        except InvalidOrderStatus as error:
            raise IllegalStatusChange(str(error)) from error
        if status == order_status.SHIPPED:
            stock.consume(order)
        if status in _RELEASING:
            stock.release(order)
        if note or actor is not None:
            OrderNote.objects.create(
                order=order,
                user=actor if actor is not None and actor.is_authenticated else None,
                note_type="Status",
                message=f"{old} → {status}" + (f": {note}" if note else ""),
            )
    _after(order, old, status)
    return order


def _after(order, old: str, status: str) -> None:
    from commerce.order import tasks

    order_id = order.pk
    card = order.payment_method == PaymentMethod.CARD
    if card and status == order_status.PLACED and old == order_status.PENDING_APPROVAL:
        transaction.on_commit(lambda: tasks.capture_payment.delay(order_id), robust=True)
    if card and status in _RELEASING:
        transaction.on_commit(lambda: _release_payment(order_id), robust=True)
    if status in (order_status.SHIPPED, order_status.CANCELLED):
        transaction.on_commit(
            lambda: tasks.send_order_status_email.delay(order_id, status), robust=True
        )


def _release_payment(order_id: int) -> None:
    order = Order.objects.get(pk=order_id)
    if not payments.payment_void(order=order):
        payments.payment_refund(order=order)
