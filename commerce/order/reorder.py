"""Reorder: put a past order's lines back in a basket at today's prices."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction


@dataclass
class ReorderResult:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def order_reorder(*, order, basket) -> ReorderResult:
    """Add every line that can still be bought; report the others by name and reason."""
    result = ReorderResult()
    lines = list(order.lines.select_related("product", "product__product_class"))
    basket.strategy.prefetch([line.product for line in lines if line.product is not None])
    for line in lines:
        product = line.product
        if product is None or not product.is_public:
            result.skipped.append(f"{line.title}: no longer sold")
            continue
        if not basket.strategy.is_visible(product):
            result.skipped.append(f"{line.title}: not available to your account")
            continue
        info = basket.strategy.fetch_for_product(product)
        if not info.price.exists or not info.availability.is_available_to_buy:
            result.skipped.append(f"{line.title}: not available")
            continue
        total = basket.product_quantity(product) + line.quantity
        permitted, reason = info.availability.is_purchase_permitted(total)
        if not permitted:
            result.skipped.append(f"{line.title}: {reason}")
            continue
        basket.add_product(product, line.quantity)
        result.added.append(f"{line.quantity} x {line.title}")
    return result
