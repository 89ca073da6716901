"""Stock under row locks: no oversell, no deadlock, every warehouse counts.

Oscar's ``StockRecord.allocate`` is an ``F()`` increment that never re-checks
availability, so two concurrent checkouts can both take the last unit. Here the
stock records of every product in the basket are locked in primary-key order
(step 9 of ``commerce.core.locks``) and availability is re-checked under the
lock. A line is served from every warehouse that has free stock: from one
record when one can serve it whole, otherwise split over several. Oscar's
order line has one stock record, so the split is kept in ``LineAllocation``
rows, which releasing and shipping use.
"""

from __future__ import annotations

from collections import defaultdict

from oscar.apps.partner.exceptions import InvalidStockAdjustment
from oscar.core.loading import get_model

from commerce.core.locks import lock_stock_records
from commerce.order.exceptions import OutOfStock, StockShortForShipment

StockRecord = get_model("partner", "StockRecord")
LineAllocation = get_model("order", "LineAllocation")


def lock_records(product_ids) -> dict[int, list]:
    """Lock all stock records of these products (pk order) and group them by product."""
    return lock_stock_records(product_ids)


def free_stock(records) -> int:
    """Units of a product that can still be sold, over all its warehouses."""
    return sum(max(record.net_stock_level, 0) for record in records)


def route_lines(lines) -> dict[int, list[tuple[object, int]]]:
    """Decide, under lock, which stock records serve each basket line.

    Returns ``{basket line id: [(stock record, units), ...]}`` (lines of
    products without stock tracking are left out). A line keeps its own
    record when that one can serve it whole, else takes the record with the
    most free stock that can, else is split over the records with free stock
    (most first). The line points at the record serving most of it. Raises
    ``OutOfStock`` naming every line the warehouses together cannot serve.
    """
    lines = list(lines)
    records = lock_records(line.product_id for line in lines)
    taken: dict[int, int] = defaultdict(int)
    plan: dict[int, list[tuple[object, int]]] = {}
    short = []

    def free(record):
        return max(record.net_stock_level - taken[record.pk], 0)

    for line in sorted(lines, key=lambda line: line.pk):
        if not line.product.get_product_class().track_stock:
            continue
        candidates = records.get(line.product_id, [])
        whole = [r for r in candidates if free(r) >= line.quantity]
        own = [r for r in whole if r.pk == line.stockrecord_id]
        if own or whole:
            chosen = (own or sorted(whole, key=lambda r: (-free(r), r.pk)))[0]
            parts = [(chosen, line.quantity)]
        else:
            parts, left = [], line.quantity
            for record in sorted(candidates, key=lambda r: (-free(r), r.pk)):
                if left <= 0 or free(record) <= 0:
                    continue
                units = min(left, free(record))
                parts.append((record, units))
                left -= units
            if left > 0:
                available = free_stock_after(candidates, taken)
                short.append((line.product.get_title(), line.quantity, available))
                continue
        for record, units in parts:
            taken[record.pk] += units
        plan[line.pk] = parts
        main = max(parts, key=lambda part: (part[1], -part[0].pk))[0]
        if main.pk != line.stockrecord_id:
            line.stockrecord = main
            line.save(update_fields=["stockrecord"])
    if short:
        raise OutOfStock(short)
    return plan


def free_stock_after(records, taken) -> int:
    return sum(max(r.net_stock_level - taken[r.pk], 0) for r in records)


def allocate(order_line, parts) -> None:
    """Hold ``parts`` ((stock record, units) pairs) for an order line (locks held)."""
    for record, units in sorted(parts, key=lambda part: part[0].pk):
        record.allocate(units)
        LineAllocation.objects.create(line=order_line, stockrecord=record, quantity=units)


def allocations_of(lines) -> dict[int, list]:
    """The stock an order's lines still hold: line id -> allocations (pk order).

    Lines placed before allocations were recorded per warehouse hold their
    ``num_allocated`` on their own stock record (an unsaved allocation)."""
    lines = list(lines)
    held: dict[int, list] = defaultdict(list)
    for allocation in (
        LineAllocation.objects.filter(line__in=[line.pk for line in lines], quantity__gt=0)
        .select_related("stockrecord")
        .order_by("pk")
    ):
        held[allocation.line_id].append(allocation)
    for line in lines:
        if line.pk not in held and line.stockrecord_id and line.num_allocated:
            held[line.pk].append(
                LineAllocation(line=line, stockrecord=line.stockrecord, quantity=line.num_allocated)
            )
    return held


def release(order) -> None:
    """Give back the stock an unshipped order held (rejected, cancelled, expired)."""
    lines = list(order.lines.select_related("product__product_class", "stockrecord"))
    lock_records(line.product_id for line in lines)
    held = allocations_of(lines)
    for line in lines:
        for allocation in sorted(held.get(line.pk, []), key=lambda a: a.stockrecord_id):
            allocation.stockrecord.cancel_allocation(allocation.quantity)
            if allocation.pk:
                allocation.quantity = 0
                allocation.save(update_fields=["quantity"])
        if line.num_allocated:
            line.num_allocated = 0
            line.save(update_fields=["num_allocated"])


def consume(line, quantity: int, held: list) -> None:
    """Take ``quantity`` shipped units of ``line`` out of the warehouses holding them
    (locks held). Raises ``StockShortForShipment`` if a warehouse has fewer units
    in stock than it holds for the order."""
    left = min(quantity, sum(a.quantity for a in held))
    for allocation in sorted(held, key=lambda a: a.stockrecord_id):
        if left <= 0:
            break
        units = min(left, allocation.quantity)
        if units <= 0:
            continue
        record = allocation.stockrecord
        try:
            record.consume_allocation(units)
        except InvalidStockAdjustment as error:
            raise StockShortForShipment(
                line.title, record.partner.name, units, record.num_in_stock or 0
            ) from error
        allocation.quantity -= units
        if allocation.pk:
            allocation.save(update_fields=["quantity"])
        left -= units
        line.num_allocated = max((line.num_allocated or 0) - units, 0)
    line.save(update_fields=["num_allocated"])
