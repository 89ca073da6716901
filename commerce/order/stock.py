"""Stock under row locks: no oversell, no deadlock.

Oscar's ``StockRecord.allocate`` is an ``F()`` increment that never re-checks
availability, so two concurrent checkouts can both take the last unit. Here the
stock records of every product in the basket are locked in primary-key order
(one stable order for everybody, so concurrent baskets cannot deadlock) and
availability is re-checked under the lock before Oscar allocates.
"""

from __future__ import annotations

from collections import defaultdict

from oscar.core.loading import get_model

from commerce.order.exceptions import OutOfStock

StockRecord = get_model("partner", "StockRecord")


def lock_records(product_ids) -> dict[int, list]:
    """Lock all stock records of these products (pk order) and group them by product."""
    records = (
        StockRecord.objects.select_for_update()
        .filter(product_id__in=set(product_ids))
        .order_by("pk")
    )
    grouped: dict[int, list] = defaultdict(list)
    for record in records:
        grouped[record.product_id].append(record)
    return grouped


def route_lines(lines) -> None:
    """Point each basket line at a stock record that can fulfil it, under lock.

    Keeps the line's own record when it has enough; otherwise takes the
    record with the most stock that does. Raises ``OutOfStock`` naming every
    line that cannot be fulfilled.
    """
    lines = list(lines)
    records = lock_records(line.product_id for line in lines)
    taken: dict[int, int] = defaultdict(int)
    short = []
    for line in sorted(lines, key=lambda line: line.pk):
        if not line.product.get_product_class().track_stock:
            continue
        candidates = records.get(line.product_id, [])

        def free(record):
            return record.net_stock_level - taken[record.pk]

        preferred = [
            r for r in candidates if r.pk == line.stockrecord_id and free(r) >= line.quantity
        ]
        others = sorted(
            (r for r in candidates if free(r) >= line.quantity), key=lambda r: (-free(r), r.pk)
        )
        chosen = (preferred or others or [None])[0]
        if chosen is None:
            available = max((free(r) for r in candidates), default=0)
            short.append((line.product.get_title(), line.quantity, max(available, 0)))
            continue
        taken[chosen.pk] += line.quantity
        if chosen.pk != line.stockrecord_id:
            line.stockrecord = chosen
            line.save(update_fields=["stockrecord"])
    if short:
        raise OutOfStock(short)


def release(order) -> None:
    """Give back the stock an unshipped order held (rejected, cancelled, expired)."""
    lines = list(order.lines.select_related("product__product_class", "stockrecord"))
    lock_records(line.product_id for line in lines)
    for line in sorted(lines, key=lambda line: line.stockrecord_id or 0):
        if line.stockrecord_id and line.num_allocated:
            line.stockrecord.cancel_allocation(line.num_allocated)
            line.num_allocated = 0
            line.save(update_fields=["num_allocated"])
