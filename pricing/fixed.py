"""Fixed unit prices agreed outside the price lists (a negotiated quote).

A source of fixed prices (``FixedPrice`` per product) is a fact like the
others: the engine's list price still comes from the product's facts, the unit
price and its reason ("Quote Q-000012") from the agreement. Tax is added the
same way as for every other price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from commerce.core.money import add_tax, quantize
from pricing.engine import PriceContext, ProductFacts, Quote

# The rule stored on order lines priced from a fixed price (keep stable).
RULE = "quote"


@dataclass(frozen=True)
class FixedPrice:
    unit_net: Decimal
    reason: str


def fixed_quote(
    facts: ProductFacts, quantity: int, context: PriceContext, fixed: FixedPrice
) -> Quote:
    """``quantity`` units at the agreed ``fixed`` net unit price."""
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    currency = context.currency
    net = quantize(fixed.unit_net, currency)
    list_price = None
    if facts.list_price is not None and facts.currency == currency:
        list_price = quantize(facts.list_price, currency)
    tax, _gross = add_tax(net, context.tax_rate, currency)
    return Quote(
        product_id=facts.product_id,
        quantity=quantity,
        currency=currency,
        rule=RULE,
        reason=fixed.reason,
        list_price=list_price,
        unit_net=net,
        unit_tax=tax,
        tax_rate=context.tax_rate,
        prices_include_tax=context.prices_include_tax,
        trace=(
            f"{fixed.reason}: fixed at {net} {currency}",
            f"tax {context.tax_rate} on {net} = {tax}",
        ),
    )
