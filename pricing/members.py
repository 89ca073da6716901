"""How a members' price combines with the other storefront rules (pure, used
by ``pricing.engine``).

A consumer segment (``commerce.members``) may have its own net unit price for
a product. Precedence, in one place:

1. A members' price applies only on the storefront, to consumers in its
   segment; of several segments' prices the lowest applies.
2. It does not stack with the loyalty-tier discount: the buyer pays the lower
   of the members' price and the loyalty price (the members' price on a tie,
   so the member sees why).
3. It does not stack with promotions either: a promotion is worked out on the
   list price as for every consumer (with loyalty if it stacks), and it wins
   only when it is lower still.

So, as everywhere in the engine, the lowest price wins; no two of these
discounts are ever multiplied together.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from commerce.core.money import quantize

REASON = "Members' price"


@dataclass(frozen=True)
class MembersPriceFact:
    segment_id: int
    unit_price: Decimal  # net, per unit


def members_price(
    prices: tuple[MembersPriceFact, ...], segments: tuple[int, ...], currency: str
) -> MembersPriceFact | None:
    """The lowest of ``prices`` for the buyer's ``segments`` (None when none applies)."""
    mine = [p for p in prices if p.segment_id in segments]
    if not mine:
        return None
    best = min(mine, key=lambda p: (p.unit_price, p.segment_id))
    return MembersPriceFact(best.segment_id, quantize(best.unit_price, currency))


def members_price_wins(members_net: Decimal, current_net: Decimal) -> bool:
    """The members' price replaces the list or loyalty price when not higher."""
    return members_net <= current_net
