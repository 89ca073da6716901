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

from django.db import router
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save
from oscar.apps.partner.exceptions import InvalidStockAdjustment
from oscar.core.loading import get_model

from commerce.core.locks import lock_stock_records
from commerce.order.exceptions import OutOfStock, StockShortForShipment

StockRecord = get_model("partner", "StockRecord")
StockAlert = get_model("partner", "StockAlert")
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
    allocate_lines([(order_line, parts)])


def allocate_lines(lines_parts) -> None:
    """Hold stock for many order lines at once, their records locked (step 9).

        ``lines_parts``: (order line, [(stock record, units), ...]) pairs. One
        UPDATE adds the units to every record, one INSERT records the allocations
        and one query refreshes the low-stock alerts of records now below their
    threshold (none when no record is), however many lines. The rows
        are locked and were read under the lock, so the records' new counts are
        known without reading them back. Each record's save is then announced
        naming the one field it changed, so receivers that only care about others
        (the search document: title, SKU) skip their work.
    """
    added: dict[int, int] = defaultdict(int)
    records: dict[int, object] = {}
    allocations = []
    for order_line, parts in lines_parts:
        for record, units in parts:
            if not record.can_track_allocations:
                continue
            added[record.pk] += units
            records[record.pk] = record
            allocations.append(LineAllocation(line=order_line, stockrecord=record, quantity=units))
    if not added:
        return
    StockRecord.objects.filter(pk__in=sorted(added)).update(
        num_allocated=Coalesce(F("num_allocated"), 0)
        + Case(
            *(When(pk=pk, then=Value(units)) for pk, units in added.items()),
            output_field=IntegerField(),
        )
    )
    ordered = [records[pk] for pk in sorted(records)]
    for record in ordered:
        record.num_allocated = (record.num_allocated or 0) + added[record.pk]
    LineAllocation.objects.bulk_create(allocations)
    # Holding stock only lowers what is free: no alert can close, and one can
    # open only for a record now below its threshold (none below: no query).
    stock_alerts_refresh([record for record in ordered if record.is_below_threshold])
    for record in ordered:
        # The alerts are done: the flag spares Oscar's receiver its query
        # (``pricing.apps``), for this announcement only.
        record._stock_alerts_refreshed = True
        try:
            announce_allocation(record)
        finally:
            del record._stock_alerts_refreshed


def announce_allocation(record) -> None:
    """The post_save of a stock record whose allocation changed, naming that one
    field, so receivers do only their part (no search document is rebuilt)."""
    post_save.send(
        sender=StockRecord,
        instance=record,
        created=False,
        raw=False,
        using=router.db_for_write(StockRecord, instance=record),
        update_fields=frozenset({"num_allocated"}),
    )


def allocate_record(record, units: int) -> None:
    """Oscar's ``StockRecord.allocate`` for one record locked by ``lock_records``
    (see ``allocate_lines``)."""
    if not record.can_track_allocations:
        return
    StockRecord.objects.filter(pk=record.pk).update(
        num_allocated=Coalesce(F("num_allocated"), 0) + units
    )
    record.num_allocated = (record.num_allocated or 0) + units
    announce_allocation(record)


def stock_alerts_refresh(records) -> None:
    """Oscar's low-stock alerts for these records, in two queries at most: open
    one for a record now below its threshold, close the open one of a record
    back above it."""
    records = [r for r in records if r.pk is not None]
    if not records:
        return
    open_alerts = {
        alert.stockrecord_id: alert
        for alert in StockAlert.objects.filter(
            stockrecord__in=[r.pk for r in records], status=StockAlert.OPEN
        )
    }
    new = [
        StockAlert(stockrecord=r, threshold=r.low_stock_threshold)
        for r in records
        if r.is_below_threshold and r.pk not in open_alerts
    ]
    if new:
        StockAlert.objects.bulk_create(new)
    for record in records:
        alert = open_alerts.get(record.pk)
        if alert is not None and not record.is_below_threshold:
            alert.close()


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


def release_units(line, units: int, held: list, records: dict[int, object]) -> None:
    """Give back ``units`` of what ``line`` holds (an edit lowered or removed it;
    locks held). ``records`` are the locked stock records by pk: the warehouse
    holding the least gives back first, so the main one keeps serving."""
    left = units
    for allocation in sorted(held, key=lambda a: (a.quantity, a.stockrecord_id)):
        if left <= 0:
            break
        take = min(left, allocation.quantity)
        if take <= 0:
            continue
        records.get(allocation.stockrecord_id, allocation.stockrecord).cancel_allocation(take)
        allocation.quantity -= take
        if allocation.pk:
            allocation.save(update_fields=["quantity"])
        left -= take
    line.num_allocated = max((line.num_allocated or 0) - (units - left), 0)


def allocate_units(line, units: int, candidates: list) -> None:
    """Hold ``units`` more for ``line`` (an edit raised or added it; locks held)
    from its product's locked ``candidates``: the line's own record when it can
    serve them whole, else the one with the most free stock that can, else
    split over those with free stock. Raises ``OutOfStock`` when the
    warehouses together cannot serve them."""
    free = {record.pk: max(record.net_stock_level, 0) for record in candidates}
    whole = [r for r in candidates if free[r.pk] >= units]
    own = [r for r in whole if r.pk == line.stockrecord_id]
    if own or whole:
        parts = [((own or sorted(whole, key=lambda r: (-free[r.pk], r.pk)))[0], units)]
    else:
        parts, left = [], units
        for record in sorted(candidates, key=lambda r: (-free[r.pk], r.pk)):
            if left <= 0 or free[record.pk] <= 0:
                continue
            parts.append((record, min(left, free[record.pk])))
            left -= min(left, free[record.pk])
        if left > 0:
            raise OutOfStock([(line.title, units, sum(free.values()))])
    existing = {a.stockrecord_id: a for a in LineAllocation.objects.filter(line=line)}
    if not existing and line.stockrecord_id and line.num_allocated:
        # A line placed before allocations were kept per warehouse: record what it holds.
        existing[line.stockrecord_id] = LineAllocation.objects.create(
            line=line, stockrecord_id=line.stockrecord_id, quantity=line.num_allocated
        )
    for record, count in sorted(parts, key=lambda part: part[0].pk):
        allocate_record(record, count)
        allocation = existing.get(record.pk)
        if allocation is None:
            LineAllocation.objects.create(line=line, stockrecord=record, quantity=count)
        else:
            allocation.quantity += count
            allocation.save(update_fields=["quantity"])
    line.num_allocated = (line.num_allocated or 0) + units
