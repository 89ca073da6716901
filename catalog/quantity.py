"""Quantity rules: minimum, case pack (multiple), maximum. One function decides."""

from __future__ import annotations


def quantity_problem(product, quantity: int) -> str | None:
    """Why ``quantity`` units of ``product`` may not be ordered, or None if they may."""
    if quantity < 1:
        return "Enter a quantity of at least 1."
    minimum = product.min_order_quantity or 1
    multiple = product.order_multiple or 1
    maximum = product.max_order_quantity
    if quantity < minimum:
        return f"The minimum order quantity for {product.get_title()} is {minimum}."
    if quantity % multiple:
        lower = quantity - quantity % multiple
        upper = lower + multiple
        options = f"{lower} or {upper}" if lower >= minimum else f"{upper}"
        return f"{product.get_title()} is sold in packs of {multiple}: order {options}."
    if maximum is not None and quantity > maximum:
        return f"You can order at most {maximum} of {product.get_title()} at a time."
    return None


def describe_rules(product) -> str:
    """A short note for product pages ("Sold in packs of 10 · minimum 20")."""
    parts = []
    if (product.order_multiple or 1) > 1:
        parts.append(f"sold in packs of {product.order_multiple}")
    if (product.min_order_quantity or 1) > 1:
        parts.append(f"minimum {product.min_order_quantity}")
    if product.max_order_quantity:
        parts.append(f"maximum {product.max_order_quantity}")
    return " · ".join(parts).capitalize()
