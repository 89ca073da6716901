"""The payer's steps: change quantities, decline, or pay (the one order
pipeline places the requester's order, paid by the payer's card)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from commerce.basket.sharing.state import (
    MAX_QUANTITY,
    Basket,
    BasketShare,
    Line,
    ShareError,
    Status,
    _check_open,
    _close,
    _notify,
    _open_locked,
    _strategy,
)
from commerce.checkout.placement import Placement, order_place
from commerce.checkout.request import payer_request
from commerce.order.exceptions import CheckoutError


@transaction.atomic
def share_update_lines(*, share: BasketShare, quantities: dict[int, int]) -> list[dict]:
    """The payer's changes: new quantities per line id (0 removes the line).
    All or nothing: any invalid quantity refuses every change."""
    locked = _open_locked(share)
    basket = Basket._default_manager.select_for_update().get(pk=locked.basket_id)
    basket.strategy = _strategy(locked.requester)
    lines = {line.pk: line for line in basket.all_lines()}
    problems, changes = [], []
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise ShareError("That line is not in this basket.")
        if not isinstance(quantity, int) or quantity < 0 or quantity > MAX_QUANTITY:
            problems.append(
                f"{line.product.get_title()}: enter a quantity from 0 to {MAX_QUANTITY}."
            )
            continue
        if quantity == line.quantity:
            continue
        if quantity:
            permitted, reason = line.purchase_info.availability.is_purchase_permitted(quantity)
            if not permitted:
                problems.append(f"{line.product.get_title()}: {reason}.")
                continue
        changes.append((line, quantity))
    if problems:
        raise ShareError(" ".join(problems))
    if not changes:
        return []
    made = []
    for line, quantity in changes:
        made.append({"product": line.product.get_title(), "from": line.quantity, "to": quantity})
        # Oscar's Line.save refuses frozen baskets; this service owns the shared one.
        rows = Line.objects.filter(pk=line.pk)
        if quantity:
            rows.update(quantity=quantity, date_updated=timezone.now())
        else:
            rows.delete()
    locked.changes = [*locked.changes, *made]
    locked.save(update_fields=["changes"])
    return made


@transaction.atomic
def share_decline(*, share: BasketShare) -> BasketShare:
    locked = _open_locked(share)
    _close(locked, Status.DECLINED)
    _notify(locked, "basket_share_closed")
    return locked


def share_pay(
    *,
    share: BasketShare,
    shipping_address: dict,
    shipping_method_code: str,
    card_token: str,
    expected_total: Decimal | None,
):
    """Place the shared basket as the requester's order, paid by card by the
    payer. Once only: a second submission returns the same order.

    The card is authorized by the pipeline outside any transaction; the share
    row is locked (step 1 of the lock order) inside the pipeline's own
    transaction, before the basket."""
    current = BasketShare.objects.select_related("basket", "requester", "payer").get(pk=share.pk)
    if current.status == Status.PAID:
        return current.order
    _check_open(current)

    def paid(place):
        locked = BasketShare.objects.select_for_update(of=("self",)).get(pk=share.pk)
        if locked.status == Status.PAID:
            return Placement(locked.order, replayed=True)
        locked = _open_locked(share)
        placement = place()
        locked.status = Status.PAID
        locked.order = placement.order
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "order", "closed_at"])
        _notify(locked, "basket_share_paid")
        _notify(locked, "basket_share_receipt")
        return placement

    try:
        placement = order_place(
            basket=current.basket,
            request=payer_request(
                share=current,
                shipping_address=shipping_address,
                shipping_method_code=shipping_method_code,
                card_token=card_token,
                expected_total=expected_total,
            ),
            around=paid,
        )
    except CheckoutError:
        # The requester may have withdrawn the basket (or another submission
        # paid it) between our first look and the pipeline's: say so, rather
        # than what the pipeline saw of the basket ("your basket is empty").
        now = BasketShare.objects.get(pk=share.pk)
        if now.status == Status.PAID:
            return now.order
        _check_open(now)
        raise
    return placement.order
