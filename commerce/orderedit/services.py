"""Editing an order before it ships: ``order_edit``, the one use case.

Who may edit: order desk staff (the dashboard's orders section, within their
company scope) while the order is Pending approval or Placed; the buyer who
placed it, or a company admin, only while it is Pending approval. Anything
else, and any order already picked, shipped, closed, handed to a dealer or
paid in instalments, is refused with ``order_not_editable``.

What may change: a line's quantity (0 removes it; an order keeps one line),
new lines (product, quantity) and the delivery address (one of the company's
ship-tos; for a consumer, one of their address book). The order is priced
for its buyer, as at checkout, through the engine: **unchanged lines keep the
price frozen when the order was placed; a changed or added line is priced as
of now at its new quantity** (volume breaks), without the order's vouchers.
Delivery and totals are worked out by the placement's own functions.

How: checks and the new total without locks; a higher total on a card order
not yet captured is authorised again first (outside any transaction, the
card token comes with the edit); then one transaction under the lock order
(``commerce.core.locks``): the edit's idempotency key (3), the order (4) —
whose version must still be the one the editor saw — its approval request
(5), its card source (6), the credit account (7), the stock records (9).
Credit and stock change by the difference; an edit that raises the goods
total of an approved order over a rule sends it back to Pending approval
with its request opened anew (earlier approvals no longer count); the card
hold is replaced (the old one voided after commit), lowered, or the captured
difference refunded after commit. A note records who changed what and the
old and new totals; the buyer is emailed (outbox).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from oscar.core.loading import get_model

from accounts import policy, staff_policy
from accounts.addresses import order_address_fields, ship_to_for_order
from accounts.exceptions import ShipToNotAllowed, ShipToUnknown
from accounts.selectors import membership_for
from catalog.quantity import quantity_problem
from commerce import sites
from commerce.approvals import rules as approval_rules
from commerce.approvals import services as approval_services
from commerce.billing import credit
from commerce.checkout import placement
from commerce.core.locks import in_transaction, lock_order, retry_on_conflict
from commerce.core.money import quantize
from commerce.fulfilment import transitions
from commerce.order import idempotency, stock
from commerce.order import status as order_status
from commerce.order.exceptions import PriceChanged
from commerce.order.models import PaymentMethod
from commerce.orderedit import topics
from commerce.orderedit.exceptions import (
    CardNeeded,
    EditInvalid,
    OrderChanged,
    OrderNotEditable,
    PaymentAlreadyTaken,
)
from commerce.outbox.services import outbox_emit
from commerce.payments import services as payments
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event
from pricing.strategy import Selector

Order = get_model("order", "Order")
Line = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")
OrderNote = get_model("order", "OrderNote")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
Product = get_model("catalogue", "Product")

ORDER_DESK = "orders_dashboard"
NOTE_TYPE = "Edit"
MAX_QUANTITY = 10_000


@dataclass(frozen=True)
class OrderChanges:
    """What an editor asks for (from a page or the API)."""

    quantities: dict[int, int] = field(default_factory=dict)  # order line id -> units (0 removes)
    additions: tuple[tuple[int, int], ...] = ()  # (product id, units)
    shipping_address_id: int | None = None
    card_token: str = ""
    # The total the editor saw for the edited order; refused if it moved since.
    expected_total: Decimal | None = None

    def fingerprint(self) -> str:
        payload = {
            "lines": sorted(self.quantities.items()),
            "add": sorted(self.additions),
            "ship": self.shipping_address_id,
            "expected_total": str(self.expected_total or ""),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class EditResult:
    order: object
    replayed: bool = False
    needs_approval: bool = False
    payment: str = ""


@dataclass
class _LinePlan:
    line: object | None  # the order line, None for a new one
    product: object
    quantity: int
    old_quantity: int
    quote: object | None = None  # None: the line keeps its frozen price
    stockrecord: object | None = None


@dataclass(frozen=True)
class _Goods:
    """The edited order's goods, as placement's ``totals`` reads a basket."""

    total_excl_tax: Decimal
    total_incl_tax: Decimal
    currency: str
    is_empty: bool = False
    is_tax_known: bool = True


@dataclass
class _Plan:
    lines: list[_LinePlan]
    removed: list
    shipping: dict | None
    goods: _Goods
    charge: object
    total: object

    @property
    def changed(self) -> list[_LinePlan]:
        return [p for p in self.lines if p.line is None or p.quantity != p.old_quantity]


# --- reading -------------------------------------------------------------------------------


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


def _channel(order) -> str:
    return sites.channel_of_site_id(order.site_id)


def _strategy(order):
    return Selector().strategy(channel=_channel(order), user=order.user, company=order.company)


def _shipping_method(order, goods):
    request = placement.CheckoutRequest(
        channel=_channel(order),
        user=order.user,
        shipping_address={},
        shipping_method_code=order.shipping_code,
        payment_method=order.payment_method,
        company=order.company,
    )
    return placement.shipping_method(request, goods)


def _address_fields(order, address_id: int) -> dict:
    if order.company_id:
        try:
            return ship_to_for_order(company=order.company, address_id=address_id).fields
        except (ShipToUnknown, ShipToNotAllowed) as error:
            raise EditInvalid([str(error)]) from error
    address = UserAddress.objects.filter(user_id=order.user_id, pk=address_id).first()
    if order.user_id is None or address is None:
        raise EditInvalid(["No such address in the buyer's address book."])
    return order_address_fields(address)


def _plan(order, changes: OrderChanges) -> _Plan:
    """Check the changes and work out the edited order (no locks taken)."""
    lines = {line.pk: line for line in order.lines.select_related("product__product_class")}
    problems = []
    unknown = sorted(set(changes.quantities) - set(lines))
    if unknown:
        problems.append("No such line on this order: " + ", ".join(map(str, unknown)) + ".")
    wanted = {pk: changes.quantities.get(pk, line.quantity) for pk, line in lines.items()}
    added: dict[int, int] = {}
    for product_id, quantity in changes.additions:
        added[product_id] = added.get(product_id, 0) + quantity
    for quantity in [*wanted.values(), *added.values()]:
        if not 0 <= quantity <= MAX_QUANTITY:
            problems.append(f"A quantity is between 0 and {MAX_QUANTITY}.")
            break
    strategy = _strategy(order)
    products = {
        p.pk: p
        for p in Product.objects.select_related("product_class").filter(
            pk__in=list(added), structure__in=[Product.STANDALONE, Product.CHILD]
        )
    }
    strategy.prefetch(
        [*products.values(), *(line.product for line in lines.values() if line.product)]
    )
    plans: list[_LinePlan] = []
    by_product = {line.product_id: pk for pk, line in lines.items()}
    for product_id, quantity in added.items():
        if product_id in by_product:  # already on the order: more of that line
            pk = by_product[product_id]
            wanted[pk] += quantity
        elif product_id not in products or not strategy.is_visible(products[product_id]):
            problems.append(f"No such product: {product_id}.")
        elif quantity > 0:
            plans.append(_LinePlan(None, products[product_id], quantity, 0))
    removed = []
    for pk, line in sorted(lines.items()):
        if wanted[pk] == 0:
            removed.append(line)
        else:
            plans.append(_LinePlan(line, line.product, wanted[pk], line.quantity))
    if not plans:
        problems.append("An order keeps at least one line; cancel it instead.")
    for plan in plans:
        if plan.line is not None and plan.quantity == plan.old_quantity:
            continue
        if plan.product is None:
            problems.append(f"{plan.line.title} is no longer for sale.")
            continue
        info = strategy.fetch_for_product(plan.product, quantity=plan.quantity)
        title = plan.product.get_title()
        if not strategy.is_visible(plan.product) or not info.price.exists:
            problems.append(f"{title} is no longer for sale.")
            continue
        rule = quantity_problem(plan.product, plan.quantity)
        if rule is not None:
            problems.append(f"{title}: {rule}.")
            continue
        plan.quote = info.price.quote
        plan.stockrecord = info.stockrecord
        if plan.line is None and plan.stockrecord is None:
            problems.append(f"{title} is no longer for sale.")
    shipping = None
    if changes.shipping_address_id is not None:
        shipping = _address_fields(order, changes.shipping_address_id)
    if problems:
        raise EditInvalid(problems)
    if not removed and not [p for p in plans if p.quote is not None] and shipping is None:
        raise EditInvalid(["Nothing to change."])
    goods = _goods(order, plans)
    charge, total = placement.totals(goods, _shipping_method(order, goods))
    return _Plan(plans, removed, shipping, goods, charge, total)


def _unit_gross(quote) -> Decimal:
    return quote.unit_net + quote.unit_tax


def _goods(order, plans: list[_LinePlan]) -> _Goods:
    net = gross = Decimal("0")
    for plan in plans:
        if plan.quote is None:
            net += plan.line.line_price_excl_tax
            gross += plan.line.line_price_incl_tax
        else:
            net += plan.quote.unit_net * plan.quantity
            gross += _unit_gross(plan.quote) * plan.quantity
    return _Goods(quantize(net, order.currency), quantize(gross, order.currency), order.currency)


# --- the use case --------------------------------------------------------------------------


def order_edit(
    *,
    order,
    changes: OrderChanges,
    actor,
    expected_version: str | None,
    idempotency_key: str | None = None,
) -> EditResult:
    """Edit ``order`` as ``changes`` say, if ``actor`` may and it is still as
    ``expected_version`` says (None skips that check: pages always send it).
    Raises a named ``DomainError`` and then nothing changed: no lines, stock,
    credit, approval, card hold or note."""
    denial = edit_denial(order, actor)
    if denial:
        raise OrderNotEditable(denial)
    plan = _plan(order, changes)
    if changes.expected_total is not None and _shown(order, plan) != changes.expected_total:
        raise PriceChanged(changes.expected_total, _shown(order, plan))
    authorization = None
    amount = plan.total.incl_tax
    if order.payment_method == PaymentMethod.CARD and payments.payment_needs_new_authorization(
        order=order, amount=amount
    ):
        if not changes.card_token:
            raise CardNeeded(
                f"The new total {amount} {order.currency} is more than the card hold: "
                "enter the card again to authorise it."
            )
        if in_transaction():
            raise RuntimeError("order_edit authorizes cards outside transactions.")
        authorization = payments.payment_authorize(
            token=changes.card_token, amount=amount, currency=order.currency, reference=order.number
        )
    try:
        result = _edit_locked(
            order, changes, actor, expected_version, idempotency_key, authorization
        )
    except BaseException:
        if authorization is not None:
            payments.payment_void_authorization(authorization)
        raise
    if authorization is not None and result.payment != "reauthorized":
        payments.payment_void_authorization(authorization)
    return result


def _shown(order, plan: _Plan) -> Decimal:
    return sites.get_site(_channel(order)).shown(plan.total)


@retry_on_conflict
def _edit_locked(order, changes, actor, expected_version, idempotency_key, authorization):
    with transaction.atomic():
        key_row = None
        if idempotency_key:  # step 3
            key_row = idempotency.edit_key_claim(
                idempotency_key,
                user=actor,
                channel=_channel(order),
                order=order,
                fingerprint=changes.fingerprint(),
            )
        order = lock_order(order)  # step 4
        if key_row is not None and key_row.order_id:
            return EditResult(order, replayed=True)
        denial = edit_denial(order, actor)
        if denial:
            raise OrderNotEditable(denial)
        if expected_version is not None and order_version(order) != expected_version:
            raise OrderChanged(order.number)
        result = _apply(order, changes, actor, authorization)
        if key_row is not None:
            key_row.order = order
            key_row.save(update_fields=["order"])
        return result


def _apply(order, changes: OrderChanges, actor, authorization) -> EditResult:
    plan = _plan(order, changes)
    amount = plan.total.incl_tax
    if authorization is not None and amount != authorization.amount:
        raise PriceChanged(authorization.amount, amount)
    old_total, old_goods_net = order.total_incl_tax, order.total_excl_tax - order.shipping_excl_tax
    approval_request = approval_services.approval_request_lock(order)  # step 5
    payment = ""
    if order.payment_method == PaymentMethod.CARD:
        source = payments.payment_source_lock(order)  # step 6
        if source is not None:
            taken = source.amount_debited - source.amount_refunded
            if source.amount_debited > 0 and amount > taken:
                raise PaymentAlreadyTaken(
                    f"The card payment of order {order.number} ({taken} {order.currency}) has "
                    "been taken: an edit may lower the total (the difference is refunded) "
                    "but not raise it. Place a new order for more."
                )
            if (
                source.amount_debited == 0
                and amount > source.amount_allocated
                and not authorization
            ):
                raise CardNeeded("The new total is more than the card hold: enter the card again.")
            payment = payments.payment_adjust_after_edit(
                order=order, source=source, amount=amount, authorization=authorization
            )
    credit.credit_adjust_reservation(order=order, amount=amount, actor=actor)  # step 7
    summary = _apply_lines(order, plan)  # step 9
    if plan.shipping is not None:
        summary.append(_apply_address(order, plan.shipping))
    order.total_excl_tax, order.total_incl_tax = plan.total.excl_tax, plan.total.incl_tax
    order.shipping_excl_tax, order.shipping_incl_tax = plan.charge.excl_tax, plan.charge.incl_tax
    order.save(
        update_fields=[
            "total_excl_tax",
            "total_incl_tax",
            "shipping_excl_tax",
            "shipping_incl_tax",
            "shipping_address",
        ]
    )
    needs_approval = _reapprove(order, plan, approval_request, actor, old_goods_net, summary)
    summary.append(f"total {old_total} → {order.total_incl_tax} {order.currency}")
    changes_text = "; ".join(summary)
    who = actor.email if actor is not None else "system"
    OrderNote.objects.create(
        order=order, user=actor, note_type=NOTE_TYPE, message=f"Edited by {who}: {changes_text}"
    )
    outbox_emit(topic=topics.EDITED_EMAIL, payload={"order": order.pk, "changes": changes_text})
    products = sorted({p.product.pk for p in plan.changed} | {ln.product_id for ln in plan.removed})
    webhook_event(
        type=events.STOCK_CHANGED,
        data={"products": products, "reason": "edited", "order": str(order.number)},
    )
    return EditResult(order, needs_approval=needs_approval, payment=payment)


def _apply_lines(order, plan: _Plan) -> list[str]:
    """Stock by the difference (step 9: every record of the products touched,
    released before allocated), then the lines themselves."""
    touched = [p for p in plan.changed if p.product is not None] + [
        _LinePlan(line, line.product, 0, line.quantity) for line in plan.removed
    ]
    tracked = [p for p in touched if p.product.get_product_class().track_stock]
    records = stock.lock_records(p.product.pk for p in tracked)
    by_pk = {record.pk: record for group in records.values() for record in group}
    held = stock.allocations_of(p.line for p in tracked if p.line is not None)
    tracked_ids = {id(p) for p in tracked}
    summary = []
    for item in sorted(tracked, key=lambda p: p.quantity - p.old_quantity):
        if item.quantity < item.old_quantity:
            units = item.old_quantity - item.quantity
            stock.release_units(item.line, units, held.get(item.line.pk, []), by_pk)
    for item in sorted(touched, key=lambda p: (p.line is None, getattr(p.line, "pk", 0))):
        title = item.line.title if item.line is not None else item.product.get_title()
        if item.quantity == 0:
            summary.append(f"removed {title} ({item.old_quantity})")
            item.line.delete()
            continue
        if item.line is None:
            item.line = _new_line(order, item)
            summary.append(f"added {title} ({item.quantity})")
        else:
            summary.append(f"{title} {item.old_quantity} → {item.quantity}")
        more = item.quantity - item.old_quantity
        if more > 0 and id(item) in tracked_ids:
            stock.allocate_units(item.line, more, records.get(item.product.pk, []))
        _reprice(item)
    return summary


def _new_line(order, item: _LinePlan):
    record = item.stockrecord
    return Line.objects.create(
        order=order,
        partner=record.partner,
        partner_name=record.partner.name,
        partner_sku=record.partner_sku,
        stockrecord=record,
        product=item.product,
        title=item.product.get_title(),
        upc=item.product.upc,
        quantity=item.quantity,
        line_price_excl_tax=Decimal("0.00"),
        line_price_incl_tax=Decimal("0.00"),
        line_price_before_discounts_excl_tax=Decimal("0.00"),
        line_price_before_discounts_incl_tax=Decimal("0.00"),
        num_allocated=0,
        status=order.status,
    )


def _reprice(item: _LinePlan) -> None:
    """Freeze the live quote on a changed or added line (as placement freezes it)."""
    line, quote, currency = item.line, item.quote, item.line.order.currency
    net = quantize(quote.unit_net * item.quantity, currency)
    gross = quantize(_unit_gross(quote) * item.quantity, currency)
    line.quantity = item.quantity
    line.unit_price_excl_tax = quote.unit_net
    line.unit_price_incl_tax = _unit_gross(quote)
    line.line_price_excl_tax = line.line_price_before_discounts_excl_tax = net
    line.line_price_incl_tax = line.line_price_before_discounts_incl_tax = gross
    line.price_rule, line.price_reason, line.price_quote = quote.rule, quote.reason, quote.as_dict()
    line.save()
    LinePrice.objects.filter(line=line).delete()
    LinePrice.objects.create(
        order_id=line.order_id,
        line=line,
        quantity=item.quantity,
        price_incl_tax=_unit_gross(quote),
        price_excl_tax=quote.unit_net,
    )


def _apply_address(order, fields: dict) -> str:
    address = ShippingAddress(**fields)
    try:
        address.full_clean(exclude=["code"])
    except ValidationError as error:
        raise EditInvalid([f"Please check the delivery address: {error}"]) from error
    address.save()
    order.shipping_address = address
    return f"delivery to {address.summary}"


def _reapprove(order, plan: _Plan, request, actor, old_goods_net, summary) -> bool:
    """Approval again: an order waiting for approval is asked anew (earlier
    approvals no longer count); a Placed order goes back to its approvers when
    the edited order matches a rule and the edit raised its goods total or
    added goods."""
    if order.company_id is None or order.user_id is None:
        return False
    membership = membership_for(order.user, order.company_id)
    evaluation = approval_rules.evaluate(
        company=order.company,
        membership=membership,
        total_net=plan.goods.total_excl_tax,
        product_ids=[p.product.pk for p in plan.lines if p.product is not None],
        exclude_order_id=order.pk,
    )
    more = plan.goods.total_excl_tax > old_goods_net or any(
        p.quantity > p.old_quantity for p in plan.lines
    )
    why = evaluation.summary or "the order changed"
    if order.status == order_status.PENDING_APPROVAL:
        approval_services.approval_request_renew(
            order=order,
            request=request,
            requester=order.user,
            evaluation=evaluation,
            actor=actor,
            why=why,
        )
        return True
    if not (evaluation.required and more):
        return False
    transitions.order_back_to_approval(order=order, actor=actor, reason=f"edited, {why}")
    approval_services.approval_request_renew(
        order=order,
        request=request,
        requester=order.user,
        evaluation=evaluation,
        actor=actor,
        why=why,
    )
    summary.append("needs approval again")
    return True
