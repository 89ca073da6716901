"""How promotions combine with the other price rules (pure arithmetic, used by
``pricing.engine``).

Precedence, in one place:

1. The base price comes from the usual rules: on the portal the company's
   contract list > its tier list > the list price; on the storefront the list
   price.
2. A promotion (an automatic offer, or a voucher the buyer applied) takes its
   percentage and/or net amount off that base price. A promotion never
   undercuts a **contract** price unless it names the company: a storefront
   or tier-wide promotion leaves contract lines alone.
3. Loyalty tier discounts (storefront) skip lines on promotion, unless the
   promotion allows stacking; then the loyalty discount applies on top of the
   promotional price.
4. Promotions do not stack with each other: of everything that applies, the
   buyer gets the lowest unit price (and without a promotion when that is as
   low).

The scope (site, company, account tier, consumer segment, validity window,
active) is checked when the context is built (``pricing.vouchers``); here
only the products and the voucher codes the buyer applied are checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from commerce.core.money import quantize

HUNDRED = Decimal(100)
MINUS = "\u2212"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PromotionFact:
    id: int
    name: str
    code: str = ""  # a voucher code; empty for an automatic offer
    percent_off: Decimal = ZERO
    amount_off: Decimal = ZERO
    company_id: int | None = None
    stacks_with_loyalty: bool = False
    product_ids: frozenset[int] | None = None  # None: every product

    @property
    def is_voucher(self) -> bool:
        return bool(self.code)

    def covers(self, product_id: int, codes: frozenset[str]) -> bool:
        if self.is_voucher and self.code not in codes:
            return False
        return self.product_ids is None or product_id in self.product_ids

    def label(self) -> str:
        parts = []
        if self.percent_off:
            parts.append(f"{MINUS}{self.percent_off.normalize():f}%")
        if self.amount_off:
            parts.append(f"{MINUS}{self.amount_off}")
        what = f"{self.name} (voucher {self.code})" if self.is_voucher else self.name
        return " ".join([what, *parts])

    def apply(self, net: Decimal, currency: str) -> Decimal:
        price = net
        if self.percent_off:
            price = quantize(price * (HUNDRED - self.percent_off) / HUNDRED, currency)
        if self.amount_off:
            price = price - quantize(self.amount_off, currency)
        return max(price, ZERO)


@dataclass(frozen=True)
class Applied:
    promotion: PromotionFact
    net: Decimal
    reason: str
    with_loyalty: bool
    trace: tuple[str, ...]


def best_promotion(
    *,
    product_id: int,
    base_net: Decimal,
    base_is_contract: bool,
    base_allows_loyalty: bool,
    loyalty,
    company_id: int | None,
    promotions,
    codes: frozenset[str],
    currency: str,
) -> tuple[Applied | None, tuple[str, ...]]:
    """The promotion that gives the lowest unit price, and the trace of why
    others did not apply."""
    best, trace = None, []
    for promo in promotions:
        if not promo.covers(product_id, codes):
            continue
        if base_is_contract and promo.company_id != company_id:
            trace.append(f"promotion '{promo.name}' (#{promo.id}) skipped: contract price")
            continue
        net = promo.apply(base_net, currency)
        reason = promo.label()
        stacked = False
        if (
            promo.stacks_with_loyalty
            and base_allows_loyalty
            and loyalty is not None
            and loyalty.discount_percent > 0
        ):
            net = quantize(net * (HUNDRED - loyalty.discount_percent) / HUNDRED, currency)
            reason += (
                f" + {loyalty.tier_name} tier {MINUS}{loyalty.discount_percent.normalize():f}%"
            )
            stacked = True
        trace.append(f"promotion '{promo.name}' (#{promo.id}): {base_net} -> {net}")
        if best is None or net < best.net:
            best = Applied(promo, net, reason, stacked, ())
    return best, tuple(trace)
