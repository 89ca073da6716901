"""Dealer use cases: hand-off at placement, offer decisions and re-routes,
shipment and delivery, stock updates, commission.

Locks follow ``commerce.core.locks``: the order (step 4), its dealer routing
(4b), the manufacturer's stock records (9), dealer stock (9b). Every decision
on an offer is taken under the order's row lock and re-reads the offer there,
so an accept racing the deadline, or two re-routes at once, end in one
outcome. Side effects (dealer email, ``dealer.order_offered`` webhook) are
outbox rows in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.core.locks import lock_order, retry_on_conflict
from commerce.core.money import quantize
from commerce.dealers import topics
from commerce.dealers.exceptions import DealerError, DealerStepRefused, OfferClosed, UnknownSkus
from commerce.dealers.facts import chain_for, dealer_products, load_facts
from commerce.dealers.locks import lock_dealer_stock, lock_routing
from commerce.dealers.models import (
    DealerCategoryCommission,
    DealerLedgerEntry,
    DealerOffer,
    DealerProfile,
    DealerRouting,
    DealerStock,
)
from commerce.dealers.routing import Decision, route
from commerce.fulfilment import transitions
from commerce.order import status as order_status
from commerce.order import stock
from commerce.outbox.services import outbox_emit
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")

Routing = DealerRouting


@dataclass
class Handoff:
    """A routing decision taken at placement, before the order exists."""

    decision: Decision
    country: str
    postcode: str
    lines: list[tuple[int, int]]
    stock_rows: list

    @property
    def to_dealer(self) -> bool:
        return self.decision.dealer is not None


def _merge(pairs) -> list[tuple[int, int]]:
    units: dict[int, int] = defaultdict(int)
    for product_id, quantity in pairs:
        units[product_id] += quantity
    return sorted(units.items())


def dealer_handoff_plan(*, lines, shipping_address) -> Handoff | None:
    """Placement (storefront, inside its transaction, after the manufacturer's
    stock records): route an order whose every product is sold through dealers.
    None when the order is not for dealers at all."""
    wanted = _merge((line.product_id, line.quantity) for line in lines)
    product_ids = {product_id for product_id, _ in wanted}
    if not product_ids or dealer_products(product_ids) != product_ids:
        return None
    rows = lock_dealer_stock(product_ids)  # step 9b
    country = getattr(shipping_address, "country_id", "") or ""
    postcode = shipping_address.postcode or ""
    facts = load_facts(country=country, postcode=postcode, lines=wanted, stock_rows=rows)
    decision = route(facts, chain_for(product_ids))
    return Handoff(decision, country, postcode, wanted, rows)


def dealer_handoff_record(*, order, handoff: Handoff) -> DealerRouting:
    """Record the decision on the new order and offer it to the chosen dealer
    (its stock reserved). A direct order keeps the manufacturer's allocation."""
    decision = handoff.decision
    routing = DealerRouting.objects.create(
        order=order,
        by=Routing.By.DEALER if handoff.to_dealer else Routing.By.DIRECT,
        dealer_id=decision.dealer,
        status=Routing.Status.OFFERED if handoff.to_dealer else Routing.Status.DIRECT,
        why=decision.why,
        candidates=[c.as_dict() for c in decision.candidates],
        postcode=handoff.postcode[:64],
        country=handoff.country[:2],
    )
    if handoff.to_dealer:
        # The dealer serves it: the manufacturer's warehouses hold nothing.
        order.lines.update(num_allocated=0)
        _offer(order, routing, handoff.lines, handoff.stock_rows)
    return routing


def _offer(order, routing, lines, rows) -> DealerOffer:
    dealer = DealerProfile.objects.select_related("company").get(pk=routing.dealer_id)
    _reserve(rows, dealer.pk, lines, sign=+1)
    now = timezone.now()
    offer = DealerOffer.objects.create(
        order=order,
        dealer=dealer,
        offered_at=now,
        deadline=now + timedelta(hours=dealer.hours_to_accept),
    )
    outbox_emit(topic=topics.OFFER_EMAIL, payload={"offer": offer.pk})
    webhook_event(
        type=events.DEALER_ORDER_OFFERED,
        data={
            "order": str(order.number),
            "dealer": dealer.pk,
            "dealer_name": dealer.company.name,
            "deadline": offer.deadline.isoformat(),
        },
    )
    return offer


def _reserve(rows, dealer_id: int, lines, *, sign: int) -> None:
    """Hold (+1) or give back (-1) the dealer's units for ``lines`` (rows locked)."""
    mine = {row.product_id: row for row in rows if row.dealer_id == dealer_id}
    for product_id, units in lines:
        row = mine.get(product_id)
        if row is None:
            continue
        row.num_allocated = max(row.num_allocated + sign * units, 0)
        row.save(update_fields=["num_allocated", "updated_at"])


def _order_lines(order) -> list[tuple[int, int]]:
    return _merge(order.lines.values_list("product_id", "quantity"))


def _reroute(order, routing: DealerRouting, *, why: str) -> DealerRouting:
    """The current dealer is out (rejected, lapsed, withdrawn): give back its
    stock and offer the order to the next candidate, or fulfil it directly.
    Runs with the order (4) and the routing (4b) locked."""
    lines = _order_lines(order)
    product_ids = [product_id for product_id, _ in lines]
    manufacturer = stock.lock_records(product_ids)  # step 9, in case it goes direct
    rows = lock_dealer_stock(product_ids)  # step 9b
    if routing.dealer_id is not None:
        _reserve(rows, routing.dealer_id, lines, sign=-1)
        routing.declined = sorted({*routing.declined, routing.dealer_id})
    facts = load_facts(
        country=routing.country,
        postcode=routing.postcode,
        lines=lines,
        excluded=routing.declined,
        stock_rows=rows,
    )
    decision = route(facts, chain_for(product_ids))
    routing.candidates = [c.as_dict() for c in decision.candidates]
    routing.dealer_id = decision.dealer
    if decision.dealer is not None:
        routing.by, routing.status = Routing.By.DEALER, Routing.Status.OFFERED
        routing.why = f"{why} Re-routed: {decision.why}"
        routing.save(update_fields=["by", "status", "why", "candidates", "dealer", "declined"])
        _offer(order, routing, lines, rows)
    else:
        routing.by, routing.status = Routing.By.DIRECT, Routing.Status.DIRECT
        held = _allocate_direct(order, manufacturer)
        routing.why = f"{why} {decision.why}" + (
            "" if held else " The warehouses are short: staff must arrange the stock."
        )
        routing.save(update_fields=["by", "status", "why", "candidates", "dealer", "declined"])
    return routing


def _allocate_direct(order, records: dict[int, list]) -> bool:
    """Hold the manufacturer's stock for an order that falls back to direct
    fulfilment (records locked); False (nothing held) when it is short."""
    lines = list(order.lines.select_related("product__product_class").order_by("pk"))
    taken: dict[int, int] = defaultdict(int)
    plan = []
    for line in lines:
        if not line.product or not line.product.get_product_class().track_stock:
            continue
        left, parts = line.quantity, []
        for record in sorted(
            records.get(line.product_id, []), key=lambda r: (-r.net_stock_level, r.pk)
        ):
            free = max(record.net_stock_level - taken[record.pk], 0)
            units = min(left, free)
            if units > 0:
                parts.append((record, units))
                taken[record.pk] += units
                left -= units
        if left > 0:
            return False
        plan.append((line, parts))
    for line, parts in plan:
        stock.allocate(line, parts)
        line.num_allocated = line.quantity
        line.save(update_fields=["num_allocated"])
    return True


def _open_offer(routing, dealer) -> DealerOffer:
    offer = (
        DealerOffer.objects.select_for_update()
        .filter(order_id=routing.order_id, dealer=dealer, status=DealerOffer.Status.OFFERED)
        .first()
    )
    if offer is None or routing.dealer_id != dealer.pk:
        raise OfferClosed("This order is no longer offered to you.")
    return offer


def _locked(order):
    order = lock_order(order)  # step 4
    routing = lock_routing(order)  # step 4b
    if routing is None:
        raise DealerStepRefused(f"Order {order.number} is not a dealer order.")
    if order.status in (order_status.CANCELLED, order_status.REJECTED):
        raise OfferClosed(f"Order {order.number} was {order.status.lower()}.")
    return order, routing


@retry_on_conflict
def dealer_order_cancelled(*, order_id: int) -> bool:
    """A dealer order cancelled by staff or the buyer: withdraw its open offer and
    give the dealer's held units back (once). False when there was nothing to do."""
    with transaction.atomic():
        order = lock_order(Order(pk=order_id))  # step 4
        routing = lock_routing(order)  # step 4b
        if (
            routing is None
            or order.status not in (order_status.CANCELLED, order_status.REJECTED)
            or routing.status not in (Routing.Status.OFFERED, Routing.Status.ACCEPTED)
        ):
            return False
        DealerOffer.objects.filter(order=order, status=DealerOffer.Status.OFFERED).update(
            status=DealerOffer.Status.WITHDRAWN, decided_at=timezone.now(), reason="order cancelled"
        )
        lines = _order_lines(order)
        rows = lock_dealer_stock([p for p, _ in lines], [routing.dealer_id])  # step 9b
        _reserve(rows, routing.dealer_id, lines, sign=-1)
        routing.status = Routing.Status.CANCELLED
        routing.save(update_fields=["status"])
    return True


@retry_on_conflict
def dealer_offer_accept(*, order, dealer: DealerProfile, actor=None) -> DealerRouting:
    """The offered dealer takes the order (before its deadline): it becomes Processing."""
    with transaction.atomic():
        order, routing = _locked(order)
        offer = _open_offer(routing, dealer)
        now = timezone.now()
        if offer.deadline <= now:
            raise OfferClosed("The time to accept this order has run out.")
        offer.status, offer.decided_at, offer.decided_by = (
            DealerOffer.Status.ACCEPTED,
            now,
            actor,
        )
        offer.save(update_fields=["status", "decided_at", "decided_by"])
        routing.status, routing.accepted_at = Routing.Status.ACCEPTED, now
        routing.save(update_fields=["status", "accepted_at"])
        if order.status == order_status.PLACED:
            transitions.order_set_status(
                order=order,
                status=order_status.PROCESSING,
                actor=actor,
                note=f"accepted by {dealer.company.name}",
            )
    return routing


@retry_on_conflict
def dealer_offer_reject(*, order, dealer: DealerProfile, reason: str, actor=None):
    """The offered dealer turns the order down (a reason is required); it goes
    to the next candidate, or directly to the manufacturer."""
    reason = (reason or "").strip()
    if not reason:
        raise DealerStepRefused("Say why you reject the order.")
    with transaction.atomic():
        order, routing = _locked(order)
        offer = _open_offer(routing, dealer)
        offer.status, offer.decided_at, offer.decided_by, offer.reason = (
            DealerOffer.Status.REJECTED,
            timezone.now(),
            actor,
            reason[:500],
        )
        offer.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        return _reroute(order, routing, why=f"{dealer.company.name} rejected: {reason[:200]}.")


@retry_on_conflict
def dealer_offer_lapse(*, offer_id: int, now=None) -> bool:
    """Lapse one offer past its deadline and re-route its order; False when it
    was decided meanwhile (outcome decided once, under the order's lock)."""
    now = now or timezone.now()
    order_id = DealerOffer.objects.filter(pk=offer_id).values_list("order_id", flat=True).first()
    if order_id is None:
        return False
    with transaction.atomic():
        order, routing = _locked(Order(pk=order_id))
        offer = DealerOffer.objects.select_for_update().get(pk=offer_id)
        if offer.status != DealerOffer.Status.OFFERED or offer.deadline > now:
            return False
        offer.status, offer.decided_at = DealerOffer.Status.LAPSED, now
        offer.reason = "not accepted in time"
        offer.save(update_fields=["status", "decided_at", "reason"])
        name = DealerProfile.objects.select_related("company").get(pk=offer.dealer_id).company.name
        _reroute(order, routing, why=f"{name} let the offer lapse.")
    return True


def dealer_offers_lapse_due(*, now=None) -> int:
    """The scheduled sweep: lapse every offer past its deadline (each on its own),
    and give back the stock dealers hold for orders cancelled meanwhile."""
    now = now or timezone.now()
    cancelled = DealerRouting.objects.filter(
        status__in=[Routing.Status.OFFERED, Routing.Status.ACCEPTED],
        order__status__in=[order_status.CANCELLED, order_status.REJECTED],
    ).values_list("order_id", flat=True)
    for order_id in list(cancelled[:500]):
        dealer_order_cancelled(order_id=order_id)
    due = DealerOffer.objects.filter(status=DealerOffer.Status.OFFERED, deadline__lte=now)
    lapsed = 0
    for pk in list(due.order_by("deadline", "pk").values_list("pk", flat=True)[:500]):
        try:
            lapsed += dealer_offer_lapse(offer_id=pk, now=now)
        except DealerError:  # its order was cancelled meanwhile: the next sweep tidies it
            continue
    return lapsed


@retry_on_conflict
def dealer_order_reroute(*, order, actor=None, reason: str = "") -> DealerRouting:
    """Staff move an offered order away from its dealer by hand."""
    with transaction.atomic():
        order, routing = _locked(order)
        if routing.status != Routing.Status.OFFERED:
            raise DealerStepRefused("Only an order still on offer can be re-routed.")
        offer = DealerOffer.objects.select_for_update().get(
            order_id=order.pk, status=DealerOffer.Status.OFFERED
        )
        offer.status, offer.decided_at, offer.decided_by = (
            DealerOffer.Status.WITHDRAWN,
            timezone.now(),
            actor,
        )
        offer.reason = (reason or "re-routed by staff")[:500]
        offer.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        return _reroute(order, routing, why="Staff re-routed the order.")


@retry_on_conflict
def dealer_order_ship(
    *, order, dealer: DealerProfile, carrier: str, tracking_number: str, actor=None
) -> DealerRouting:
    """The dealer hands an accepted order to a carrier: the order ships (the
    buyer is emailed) and the dealer's units leave its stock."""
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    if not carrier or not tracking_number:
        raise DealerStepRefused("Enter the carrier and the tracking number.")
    if len(carrier) > 64 or len(tracking_number) > 64:
        raise DealerStepRefused("Carrier and tracking number are at most 64 characters.")
    with transaction.atomic():
        order, routing = _locked(order)
        if routing.dealer_id != dealer.pk or routing.status != Routing.Status.ACCEPTED:
            raise DealerStepRefused("Only an order you accepted and have not shipped can ship.")
        transitions.order_ship(order=order, actor=actor)  # the manufacturer holds nothing
        lines = _order_lines(order)
        rows = lock_dealer_stock([p for p, _ in lines], [dealer.pk])  # step 9b
        by_product = {row.product_id: row for row in rows}
        for product_id, units in lines:
            row = by_product.get(product_id)
            if row is not None:
                row.num_allocated = max(row.num_allocated - units, 0)
                row.num_in_stock = max(row.num_in_stock - units, 0)
                row.save(update_fields=["num_allocated", "num_in_stock", "updated_at"])
        routing.status, routing.shipped_at = Routing.Status.SHIPPED, timezone.now()
        routing.carrier, routing.tracking_number = carrier, tracking_number
        routing.save(update_fields=["status", "shipped_at", "carrier", "tracking_number"])
    return routing


@retry_on_conflict
def dealer_order_delivered(*, order, dealer: DealerProfile, actor=None) -> DealerRouting:
    """The dealer confirms delivery: the order is Completed and the dealer
    earns its commission (one ledger entry per order)."""
    with transaction.atomic():
        order, routing = _locked(order)
        if routing.dealer_id != dealer.pk or routing.status != Routing.Status.SHIPPED:
            raise DealerStepRefused("Only an order you shipped can be marked delivered.")
        if order.status == order_status.SHIPPED:
            transitions.order_set_status(
                order=order, status=order_status.COMPLETED, actor=actor, note="delivered"
            )
        routing.status, routing.delivered_at = Routing.Status.DELIVERED, timezone.now()
        routing.save(update_fields=["status", "delivered_at"])
        _commission(order, dealer, actor)
    return routing


def commission_for(order, dealer: DealerProfile) -> Decimal:
    """The dealer's commission on an order: each line's price (excl. tax) at the
    rate of the line's category (the most specific one set), else the default."""
    rates = {
        path: rate
        for path, rate in DealerCategoryCommission.objects.filter(dealer=dealer).values_list(
            "category__path", "rate"
        )
    }
    lines = list(order.lines.values_list("product_id", "line_price_before_discounts_excl_tax"))
    paths: dict[int, list[str]] = defaultdict(list)
    for product_id, path in ProductCategory.objects.filter(
        product_id__in=[p for p, _ in lines]
    ).values_list("product_id", "category__path"):
        paths[product_id].append(path)
    total = Decimal("0")
    for product_id, price in lines:
        matches = [
            (len(prefix), rate)
            for prefix, rate in rates.items()
            for path in paths.get(product_id, [])
            if path.startswith(prefix)
        ]
        rate = max(matches)[1] if matches else dealer.commission_rate
        total += (price or Decimal("0")) * rate / Decimal(100)
    return quantize(total, order.currency)


def _commission(order, dealer, actor) -> None:
    if DealerLedgerEntry.objects.filter(
        order=order, kind=DealerLedgerEntry.Kind.COMMISSION
    ).exists():
        return
    DealerLedgerEntry.objects.create(
        dealer=dealer,
        order=order,
        kind=DealerLedgerEntry.Kind.COMMISSION,
        amount=commission_for(order, dealer),
        currency=order.currency,
        memo=f"Commission on order {order.number}",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


@retry_on_conflict
def dealer_commission_reverse(*, order, actor=None, reason: str = "") -> DealerLedgerEntry | None:
    """A refund or cancellation takes the order's commission back (once)."""
    with transaction.atomic():
        order = lock_order(order)
        earned = DealerLedgerEntry.objects.filter(
            order=order, kind=DealerLedgerEntry.Kind.COMMISSION
        ).first()
        if (
            earned is None
            or DealerLedgerEntry.objects.filter(
                order=order, kind=DealerLedgerEntry.Kind.REVERSAL
            ).exists()
        ):
            return None
        return DealerLedgerEntry.objects.create(
            dealer_id=earned.dealer_id,
            order=order,
            kind=DealerLedgerEntry.Kind.REVERSAL,
            amount=-earned.amount,
            currency=earned.currency,
            memo=(reason or f"Reversal on order {order.number}")[:255],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )


def dealer_payout_record(*, dealer: DealerProfile, amount: Decimal, actor, memo: str = ""):
    """Staff record a payout to the dealer (reduces what it is owed)."""
    if amount <= 0:
        raise DealerStepRefused("A payout is a positive amount.")
    return DealerLedgerEntry.objects.create(
        dealer=dealer,
        kind=DealerLedgerEntry.Kind.PAYOUT,
        amount=-quantize(amount),
        memo=memo[:255],
        actor=actor,
    )


@retry_on_conflict
def dealer_stock_set(*, dealer: DealerProfile, items: list[dict]) -> int:
    """Set the dealer's units per SKU (``[{"sku", "quantity"}]``); all or nothing."""
    wanted: dict[str, int] = {}
    for item in items:
        wanted[str(item["sku"]).strip()] = int(item["quantity"])
    products = dict(Product.objects.filter(upc__in=list(wanted)).values_list("upc", "pk"))
    unknown = sorted(set(wanted) - set(products))
    if unknown:
        raise UnknownSkus(unknown)
    with transaction.atomic():
        rows = {
            row.product_id: row
            for row in lock_dealer_stock(products.values(), [dealer.pk])  # step 9b
        }
        for sku, quantity in sorted(wanted.items()):
            product_id = products[sku]
            row = rows.get(product_id)
            if row is None:
                DealerStock.objects.create(
                    dealer=dealer, product_id=product_id, num_in_stock=quantity
                )
            elif row.num_in_stock != quantity:
                row.num_in_stock = quantity
                row.save(update_fields=["num_in_stock", "updated_at"])
    return len(wanted)
