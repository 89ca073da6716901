"""Voucher codes on a basket: applied only when the buyer may use them here
and at least one line gets cheaper; the pricing engine does the rest."""

from __future__ import annotations

from django.db import transaction
from oscar.core.loading import get_model

from pricing.vouchers import VoucherInvalid, normalize, voucher_check

Basket = get_model("basket", "Basket")


def _discounted_lines(basket, codes, promotion_id: int) -> int:
    strategy = basket.strategy
    count = 0
    for line in basket.all_lines():
        info = strategy.fetch_for_product(
            line.product, quantity=max(line.quantity, 1), voucher_codes=codes
        )
        quote = getattr(info.price, "quote", None)
        if quote is not None and quote.promotion_id == promotion_id:
            count += 1
    return count


def basket_voucher_apply(basket, code: str, *, channel: str, user=None, company=None):
    """Apply ``code`` to ``basket`` (``VoucherNotFound``/``VoucherInvalid`` with
    the reason otherwise; nothing changes then). Returns the promotion.

    On an empty basket the code is kept for the items added later; a basket
    with items must have at least one the voucher makes cheaper."""
    code = normalize(code)
    promotion = voucher_check(code, channel=channel, user=user, company=company)
    if code in (basket.voucher_codes or []):
        raise VoucherInvalid(code, "it is already applied to your basket")
    codes = [*(basket.voucher_codes or []), code]
    if basket.pk is None:
        basket.save()
    elif not basket.is_empty and not _discounted_lines(basket, frozenset(codes), promotion.pk):
        raise VoucherInvalid(code, "none of the items in your basket qualify")
    with transaction.atomic():
        locked = Basket._default_manager.select_for_update().get(pk=basket.pk)
        locked.voucher_codes = sorted({*(locked.voucher_codes or []), code})
        locked.save(update_fields=["voucher_codes"])
    basket.voucher_codes = locked.voucher_codes
    basket._lines = None
    return promotion


def basket_voucher_remove(basket, code: str) -> bool:
    code = normalize(code)
    if basket.pk is None or code not in (basket.voucher_codes or []):
        return False
    with transaction.atomic():
        locked = Basket._default_manager.select_for_update().get(pk=basket.pk)
        locked.voucher_codes = [c for c in (locked.voucher_codes or []) if c != code]
        locked.save(update_fields=["voucher_codes"])
    basket.voucher_codes = locked.voucher_codes
    basket._lines = None
    return True
