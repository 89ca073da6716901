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

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from oscar.core.loading import get_model

from accounts.selectors import membership_for
from commerce import sites
from commerce.approvals import rules as approval_rules
from commerce.approvals import services as approval_services
from commerce.billing import credit
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
from commerce.orderedit.plan import (
    LinePlan,
    OrderChanges,
    Plan,
    channel,
    edit_plan,
    unit_gross,
)
from commerce.orderedit.selectors import edit_denial, order_version
from commerce.outbox.services import outbox_emit
from commerce.payments import services as payments
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

Line = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")
OrderNote = get_model("order", "OrderNote")
ShippingAddress = get_model("order", "ShippingAddress")

__all__ = ["EditResult", "OrderChanges", "order_edit", "order_version"]

NOTE_TYPE = "Edit"


@dataclass(frozen=True)
class EditResult:
    order: object
    replayed: bool = False
    needs_approval: bool = False
    payment: str = ""


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
    if idempotency_key:
        row = idempotency.edit_key_find(
            idempotency_key,
            user=actor,
            channel=channel(order),
            order=order,
            fingerprint=changes.fingerprint(),
        )
        if row is not None and row.order_id:
            return EditResult(order, replayed=True)
    denial = edit_denial(order, actor)
    if denial:
        raise OrderNotEditable(denial)
    plan = edit_plan(order, changes)
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


def _shown(order, plan: Plan) -> Decimal:
    return sites.get_site(channel(order)).shown(plan.total)


@retry_on_conflict
def _edit_locked(order, changes, actor, expected_version, idempotency_key, authorization):
    with transaction.atomic():
        key_row = None
        if idempotency_key:  # step 3
            key_row = idempotency.edit_key_claim(
                idempotency_key,
                user=actor,
                channel=channel(order),
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
    plan = edit_plan(order, changes)
    amount = plan.total.incl_tax
    if authorization is not None and amount != authorization.amount:
        raise PriceChanged(authorization.amount, amount)
    if changes.expected_total is not None and _shown(order, plan) != changes.expected_total:
        raise PriceChanged(changes.expected_total, _shown(order, plan))
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


def _apply_lines(order, plan: Plan) -> list[str]:
    """Stock by the difference (step 9: every record of the products touched,
    released before allocated), then the lines themselves."""
    touched = [p for p in plan.changed if p.product is not None] + [
        LinePlan(line, line.product, 0, line.quantity) for line in plan.removed
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


def _new_line(order, item: LinePlan):
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


def _reprice(item: LinePlan) -> None:
    """Freeze the live quote on a changed or added line (as placement freezes it)."""
    line, quote, currency = item.line, item.quote, item.line.order.currency
    net = quantize(quote.unit_net * item.quantity, currency)
    gross = quantize(unit_gross(quote) * item.quantity, currency)
    line.quantity = item.quantity
    line.unit_price_excl_tax = quote.unit_net
    line.unit_price_incl_tax = unit_gross(quote)
    line.line_price_excl_tax = line.line_price_before_discounts_excl_tax = net
    line.line_price_incl_tax = line.line_price_before_discounts_incl_tax = gross
    line.price_rule, line.price_reason, line.price_quote = quote.rule, quote.reason, quote.as_dict()
    line.save()
    LinePrice.objects.filter(line=line).delete()
    LinePrice.objects.create(
        order_id=line.order_id,
        line=line,
        quantity=item.quantity,
        price_incl_tax=unit_gross(quote),
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


def _reapprove(order, plan: Plan, request, actor, old_goods_net, summary) -> bool:
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
