"""Oscar's purchase counters for a placed order, counted after it commits.

The counters are statistics (best sellers, a buyer's record), not part of the
order: placing one writes an outbox row, and its handler counts all of the
order's lines in a fixed number of queries. So the placement's transaction
holds no lock on the counter rows, which every order of a popular product
would otherwise wait for.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from oscar.core.loading import get_model

from commerce.core.counters import add_to_counters
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once, outbox_emit

Order = get_model("order", "Order")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")

TOPIC_PURCHASE_COUNTERS = "order.purchase_counters"


def purchase_counters_message(order) -> tuple[str, dict]:
    """The outbox row that counts ``order``'s purchases (topic, payload), for a
    caller writing it with its other rows (``OrderCreator(counts_purchases=False)``)."""
    return TOPIC_PURCHASE_COUNTERS, {"order": order.pk}


def record_order_placed(sender, order, user, raw=False, **kwargs) -> None:
    """Oscar's ``order_placed`` receiver: count the order once it has committed
    (unless its creator leaves that to its caller)."""
    if raw or not getattr(sender, "counts_purchases", True):
        return
    payload = {"order": order.pk}
    if connection.in_atomic_block:
        outbox_emit(topic=TOPIC_PURCHASE_COUNTERS, payload=payload)
    else:
        with transaction.atomic():
            outbox_emit(topic=TOPIC_PURCHASE_COUNTERS, payload=payload)


def purchase_counters_record(*, order) -> None:
    """What Oscar's ``receive_order_placed`` records: each product's purchases
    and the buyer's order record, in a fixed number of queries.

    Missing counter rows are inserted at zero first (a concurrent insert of the
    same row waits on the unique index, then is ignored), then the rows are
    locked in product order and incremented: two orders counted at once wait
    for each other, never deadlock and never lose a purchase."""
    bought: dict[int, int] = defaultdict(int)
    lines = 0
    for product_id, quantity in order.lines.values_list("product_id", "quantity"):
        lines += 1
        if product_id is not None:
            bought[product_id] += quantity
    add_to_counters(ProductRecord, "product_id", "num_purchases", bought)
    if order.user_id is not None:
        _record_user_order(order, lines=lines, items=sum(bought.values()))


def _record_user_order(order, *, lines: int, items: int) -> None:
    def add() -> int:
        return UserRecord.objects.filter(user_id=order.user_id).update(
            num_orders=F("num_orders") + 1,
            num_order_lines=F("num_order_lines") + lines,
            num_order_items=F("num_order_items") + items,
            total_spent=F("total_spent") + order.total_incl_tax,
            date_last_order=order.date_placed,
        )

    if add():
        return
    try:
        with transaction.atomic():
            UserRecord.objects.create(
                user_id=order.user_id,
                num_orders=1,
                num_order_lines=lines,
                num_order_items=items,
                total_spent=order.total_incl_tax,
                date_last_order=order.date_placed,
            )
    except IntegrityError:  # created by a concurrent count meanwhile: add to it
        add()


@register(TOPIC_PURCHASE_COUNTERS)
def _purchase_counters(message) -> None:
    order = Order.objects.filter(pk=message.payload["order"]).first()
    if order is not None:
        effect_once(message, lambda: purchase_counters_record(order=order))
