"""THE pricing engine: what does this buyer pay for this product, and why.

``quote(facts, quantity, context) -> Quote`` is a pure function: it does no
I/O, only arithmetic on facts that ``pricing.book`` loaded in bulk. Oscar's
strategy, listings, the basket, order placement, the API and templates all
get their prices from here; nothing else does arithmetic on prices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from commerce.core.money import add_tax, quantize


class Rule:
    """Which rule produced a price (stored on order lines; keep the values stable)."""

    LIST = "list"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class PriceContext:
    """Who is buying where: everything a price depends on besides product and quantity."""

    channel: str
    currency: str
    tax_rate: Decimal
    prices_include_tax: bool
    user_id: int | None = None
    company_id: int | None = None


@dataclass(frozen=True)
class ProductFacts:
    """What the engine needs to know about one product (loaded in bulk)."""

    product_id: int
    list_price: Decimal | None  # net, per unit, in the context currency
    currency: str


@dataclass(frozen=True)
class Break:
    min_quantity: int
    unit_net: Decimal
    unit_display: Decimal


@dataclass(frozen=True)
class Quote:
    product_id: int
    quantity: int
    currency: str
    rule: str
    reason: str
    list_price: Decimal | None
    unit_net: Decimal | None
    unit_tax: Decimal | None
    tax_rate: Decimal
    prices_include_tax: bool
    breaks: tuple[Break, ...] = ()
    trace: tuple[str, ...] = field(default=(), compare=False)

    @property
    def exists(self) -> bool:
        return self.unit_net is not None

    @property
    def unit_gross(self) -> Decimal | None:
        if self.unit_net is None or self.unit_tax is None:
            return None
        return self.unit_net + self.unit_tax

    @property
    def unit_display(self) -> Decimal | None:
        """The unit price as this site shows it (gross on the storefront, net on the portal)."""
        return self.unit_gross if self.prices_include_tax else self.unit_net

    @property
    def line_net(self) -> Decimal | None:
        return None if self.unit_net is None else self.unit_net * self.quantity

    @property
    def line_display(self) -> Decimal | None:
        unit = self.unit_display
        return None if unit is None else unit * self.quantity

    @property
    def is_discounted(self) -> bool:
        return (
            self.unit_net is not None
            and self.list_price is not None
            and self.unit_net < self.list_price
        )

    def as_dict(self) -> dict:
        """A JSON-safe record of the quote (frozen onto order lines)."""
        return {
            "product_id": self.product_id,
            "quantity": self.quantity,
            "currency": self.currency,
            "rule": self.rule,
            "reason": self.reason,
            "list_price": _str(self.list_price),
            "unit_net": _str(self.unit_net),
            "unit_tax": _str(self.unit_tax),
            "tax_rate": str(self.tax_rate),
            "trace": list(self.trace),
        }


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _price(net: Decimal, context: PriceContext) -> tuple[Decimal, Decimal]:
    """Quantized (net, tax) for a unit price."""
    net = quantize(net, context.currency)
    tax, _gross = add_tax(net, context.tax_rate, context.currency)
    return net, tax


def quote(facts: ProductFacts, quantity: int, context: PriceContext) -> Quote:
    """Price ``quantity`` units of a product for ``context``."""
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    if facts.list_price is None or facts.currency != context.currency:
        return Quote(
            product_id=facts.product_id,
            quantity=quantity,
            currency=context.currency,
            rule=Rule.UNAVAILABLE,
            reason="Not available",
            list_price=None,
            unit_net=None,
            unit_tax=None,
            tax_rate=context.tax_rate,
            prices_include_tax=context.prices_include_tax,
            trace=("no list price in " + context.currency,),
        )
    net, tax = _price(facts.list_price, context)
    return Quote(
        product_id=facts.product_id,
        quantity=quantity,
        currency=context.currency,
        rule=Rule.LIST,
        reason="List price",
        list_price=quantize(facts.list_price, context.currency),
        unit_net=net,
        unit_tax=tax,
        tax_rate=context.tax_rate,
        prices_include_tax=context.prices_include_tax,
        trace=(f"list price {facts.list_price} {context.currency}",),
    )
