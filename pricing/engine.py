"""THE pricing engine: what does this buyer pay for this product, and why.

``quote(facts, quantity, context) -> Quote`` is a pure function: no I/O, only
arithmetic on facts that ``pricing.book`` loaded in bulk. Oscar's strategy,
listings, the basket, order placement, the API and templates all get their
prices from here; nothing else does arithmetic on prices.

Rules, in order:

* Portal: the company's contract list(s) > the company's tier list > list
  price. Inside a list, the entry with the highest minimum quantity that is
  <= the quantity wins (volume breaks); entries and lists apply only inside
  their validity windows.
* Storefront: list price less the consumer's loyalty-tier discount, or the
  members' price of the consumer's segment when that is lower
  (``pricing.members``).
* Promotions (automatic offers, applied voucher codes) on top, with the
  precedence written in ``pricing.promotions``: never under a contract price
  unless the promotion names the company; loyalty skips promoted lines unless
  the promotion stacks; the lowest price wins.
* Money is quantized once per unit (``commerce.core.money``), tax on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from commerce.core.money import add_tax, quantize
from pricing.members import REASON as MEMBERS_REASON
from pricing.members import MembersPriceFact, members_price, members_price_wins
from pricing.promotions import PromotionFact, best_promotion

HUNDRED = Decimal(100)
MINUS = "\u2212"  # typographic minus, as in "Gold tier −5%"  # noqa: RUF003


class Rule:
    """Which rule produced a price (stored on order lines; keep the values stable)."""

    CONTRACT = "contract"
    TIER = "tier"
    LOYALTY = "loyalty"
    MEMBERS = "members"
    LIST = "list"
    PROMOTION = "promotion"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class ListRef:
    """A price list that applies in a context (kind: "contract" or "tier")."""

    id: int
    name: str
    kind: str


@dataclass(frozen=True)
class Loyalty:
    tier_name: str
    discount_percent: Decimal
    tier_id: int | None = None


@dataclass(frozen=True)
class PriceContext:
    """Who is buying where and when: everything a price depends on besides
    the product and the quantity."""

    channel: str
    currency: str
    tax_rate: Decimal
    prices_include_tax: bool
    at: datetime
    user_id: int | None = None
    company_id: int | None = None
    # Contract lists in precedence order, then the tier list.
    contract_lists: tuple[ListRef, ...] = ()
    tier_list: ListRef | None = None
    loyalty: Loyalty | None = None
    # Promotions in scope here (site, company, tiers, window); vouchers among
    # them apply only to baskets that carry their code.
    promotions: tuple[PromotionFact, ...] = ()
    voucher_codes: frozenset[str] = frozenset()
    # The consumer's segments that have members' prices (storefront), in id order.
    member_segments: tuple[int, ...] = ()

    @property
    def lists(self) -> tuple[ListRef, ...]:
        return self.contract_lists + ((self.tier_list,) if self.tier_list else ())


@dataclass(frozen=True)
class EntryFact:
    list_id: int
    entry_id: int
    min_quantity: int
    unit_price: Decimal
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def is_valid_at(self, at: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= at) and (
            self.valid_until is None or at < self.valid_until
        )


@dataclass(frozen=True)
class ProductFacts:
    """What the engine needs to know about one product (loaded in bulk)."""

    product_id: int
    list_price: Decimal | None  # net, per unit
    currency: str
    entries: tuple[EntryFact, ...] = ()  # of the context's lists, any validity
    members_prices: tuple[MembersPriceFact, ...] = ()  # of the context's segments


@dataclass(frozen=True)
class Break:
    min_quantity: int
    unit_net: Decimal
    unit_display: Decimal
    reason: str


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
    price_list_id: int | None = None
    entry_id: int | None = None
    min_quantity: int | None = None
    promotion_id: int | None = None
    promotion_code: str = ""
    promotion_name: str = ""
    undiscounted_net: Decimal | None = None  # before the promotion
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

    def _as_shown(self, net: Decimal | None) -> Decimal | None:
        """A net unit amount as this site shows it (tax added per unit, as for the price)."""
        if net is None or not self.prices_include_tax:
            return net
        _tax, gross = add_tax(net, self.tax_rate, self.currency)
        return gross

    @property
    def list_display(self) -> Decimal | None:
        """The list price as this site shows it: a strike-through compares like with like."""
        return self._as_shown(self.list_price)

    @property
    def undiscounted_display(self) -> Decimal | None:
        """The unit price before the promotion, as this site shows it."""
        return self._as_shown(self.undiscounted_net)

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
            "price_list_id": self.price_list_id,
            "entry_id": self.entry_id,
            "min_quantity": self.min_quantity,
            "promotion_id": self.promotion_id,
            "promotion_code": self.promotion_code,
            "promotion": self.promotion_name,
            "undiscounted_net": _str(self.undiscounted_net),
            "trace": list(self.trace),
        }


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _winning_entry(entries, list_id: int, quantity: int, at: datetime) -> EntryFact | None:
    """The volume break of one list that applies: highest minimum <= quantity;
    among equal minimums the most recently started entry."""
    best = None
    for entry in entries:
        if entry.list_id != list_id or entry.min_quantity > quantity or not entry.is_valid_at(at):
            continue
        key = (
            entry.min_quantity,
            entry.valid_from is not None,
            entry.valid_from or at,
            entry.entry_id,
        )
        if best is None or key > best[0]:
            best = (key, entry)
    return None if best is None else best[1]


def _unavailable(facts: ProductFacts, quantity: int, context: PriceContext, why: str) -> Quote:
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
        trace=(why,),
    )


def _resolve(facts: ProductFacts, quantity: int, context: PriceContext) -> Quote:
    """The quote at one quantity, without the break table."""
    if facts.list_price is None:
        return _unavailable(facts, quantity, context, "no list price")
    if facts.currency != context.currency:
        return _unavailable(
            facts, quantity, context, f"list price in {facts.currency}, not {context.currency}"
        )
    currency = context.currency
    list_price = quantize(facts.list_price, currency)
    trace = [f"list price {list_price} {currency}"]
    rule, reason, net = Rule.LIST, "List price", list_price
    source: tuple[int | None, int | None, int | None] = (None, None, None)

    for ref in context.lists:
        entry = _winning_entry(facts.entries, ref.id, quantity, context.at)
        if entry is None:
            trace.append(
                f"{ref.kind} list '{ref.name}' (#{ref.id}): no entry for quantity {quantity}"
            )
            continue
        net = quantize(entry.unit_price, currency)
        step = f" ({entry.min_quantity}+)" if entry.min_quantity > 1 else ""
        if ref.kind == "contract":
            rule, reason = Rule.CONTRACT, f"Your contract price{step}"
        else:
            rule, reason = Rule.TIER, f"{ref.name} price{step}"
        source = (ref.id, entry.entry_id, entry.min_quantity)
        trace.append(
            f"{ref.kind} list '{ref.name}' (#{ref.id}) wins: entry #{entry.entry_id}, "
            f"{entry.min_quantity}+ at {net} {currency}"
        )
        break
    else:
        trace.append("no list or tier applies: list price")
    base_net, base_rule = net, rule
    loyalty = context.loyalty if rule == Rule.LIST else None
    if loyalty is not None and loyalty.discount_percent > 0:
        net = quantize(list_price * (HUNDRED - loyalty.discount_percent) / HUNDRED, currency)
        rule = Rule.LOYALTY
        reason = f"{loyalty.tier_name} tier {MINUS}{_percent(loyalty.discount_percent)}%"
        trace.append(
            f"loyalty tier {loyalty.tier_name}: {MINUS}{loyalty.discount_percent}% of "
            f"{list_price} = {net}"
        )
    if rule in (Rule.LIST, Rule.LOYALTY) and context.member_segments:
        members = members_price(facts.members_prices, context.member_segments, currency)
        if members is not None and members_price_wins(members.unit_price, net):
            trace.append(
                f"members' price of segment #{members.segment_id}: {members.unit_price} "
                f"(not above {net})"
            )
            net, rule, reason = members.unit_price, Rule.MEMBERS, MEMBERS_REASON
        elif members is not None:
            trace.append(
                f"members' price of segment #{members.segment_id} {members.unit_price} "
                f"above {net}: not used"
            )
    promotion = None
    if context.promotions:
        applied, steps = best_promotion(
            product_id=facts.product_id,
            base_net=base_net,
            base_is_contract=base_rule == Rule.CONTRACT,
            base_allows_loyalty=base_rule == Rule.LIST,
            loyalty=context.loyalty,
            company_id=context.company_id,
            promotions=context.promotions,
            codes=context.voucher_codes,
            currency=currency,
        )
        trace.extend(steps)
        if applied is not None and applied.net < net:
            promotion = applied.promotion
            net, rule, reason = applied.net, Rule.PROMOTION, applied.reason
            trace.append(f"promotion '{promotion.name}' wins: {net} {currency}")
        elif applied is not None:
            trace.append(f"promotion '{applied.promotion.name}' not lower than {net}: not used")

    tax, _gross = add_tax(net, context.tax_rate, currency)
    trace.append(f"tax {context.tax_rate} on {net} = {tax}")
    return Quote(
        product_id=facts.product_id,
        quantity=quantity,
        currency=currency,
        rule=rule,
        reason=reason,
        list_price=list_price,
        unit_net=net,
        unit_tax=tax,
        tax_rate=context.tax_rate,
        prices_include_tax=context.prices_include_tax,
        price_list_id=source[0],
        entry_id=source[1],
        min_quantity=source[2],
        promotion_id=promotion.id if promotion else None,
        promotion_code=promotion.code if promotion else "",
        promotion_name=promotion.name if promotion else "",
        undiscounted_net=base_net if promotion else None,
        trace=tuple(trace),
    )


def break_table(facts: ProductFacts, context: PriceContext) -> tuple[Break, ...]:
    """What one unit costs from each quantity where the price changes.

    Empty when the price does not depend on quantity.
    """
    list_ids = {ref.id for ref in context.lists}
    thresholds = sorted(
        {1}
        | {
            e.min_quantity
            for e in facts.entries
            if e.list_id in list_ids and e.is_valid_at(context.at)
        }
    )
    if len(thresholds) < 2:
        return ()
    rows: list[Break] = []
    for minimum in thresholds:
        q = _resolve(facts, minimum, context)
        if not q.exists:
            return ()
        if rows and rows[-1].unit_net == q.unit_net:
            continue
        rows.append(Break(minimum, q.unit_net, q.unit_display, q.reason))
    return tuple(rows) if len(rows) > 1 else ()


def quote(facts: ProductFacts, quantity: int, context: PriceContext) -> Quote:
    """Price ``quantity`` units of a product for ``context``, with its break table."""
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    result = _resolve(facts, quantity, context)
    if not result.exists:
        return result
    breaks = break_table(facts, context)
    if not breaks:
        return result
    return replace(result, breaks=breaks)
