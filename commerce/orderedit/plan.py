"""The edited order, worked out before anything changes: which lines change,
their live prices, the delivery address, and the totals (placement's own
functions). Raises ``EditInvalid`` naming every problem."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from oscar.core.loading import get_model

from accounts.addresses import order_address_fields, ship_to_for_order
from accounts.exceptions import ShipToNotAllowed, ShipToUnknown
from catalog.quantity import quantity_problem
from commerce import sites
from commerce.checkout import placement
from commerce.core.money import quantize
from commerce.orderedit.exceptions import EditInvalid
from pricing.strategy import Selector

Product = get_model("catalogue", "Product")
UserAddress = get_model("address", "UserAddress")

MAX_QUANTITY = 10_000


@dataclass(frozen=True)
class OrderChanges:
    """What an editor asks for (from a page or the API)."""

    quantities: dict[int, int] = field(default_factory=dict)  # order line id -> units (0 removes)
    additions: tuple[tuple[int, int], ...] = ()  # (product id, units)
    shipping_address_id: int | None = None
    card_token: str = ""
    # The total the editor saw for the edited order; refused if it moved since.
    expected_total: Decimal | None = None

    def fingerprint(self) -> str:
        payload = {
            "lines": sorted(self.quantities.items()),
            "add": sorted(self.additions),
            "ship": self.shipping_address_id,
            "expected_total": str(self.expected_total or ""),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass
class LinePlan:
    line: object | None  # the order line, None for a new one
    product: object
    quantity: int
    old_quantity: int
    quote: object | None = None  # None: the line keeps its frozen price
    stockrecord: object | None = None


@dataclass(frozen=True)
class _Goods:
    """The edited order's goods, as placement's ``totals`` reads a basket."""

    total_excl_tax: Decimal
    total_incl_tax: Decimal
    currency: str
    is_empty: bool = False
    is_tax_known: bool = True


@dataclass
class Plan:
    lines: list[LinePlan]
    removed: list
    shipping: dict | None
    goods: _Goods
    charge: object
    total: object

    @property
    def changed(self) -> list[LinePlan]:
        return [p for p in self.lines if p.line is None or p.quantity != p.old_quantity]


def channel(order) -> str:
    return sites.channel_of_site_id(order.site_id)


def _strategy(order):
    return Selector().strategy(channel=channel(order), user=order.user, company=order.company)


def _shipping_method(order, goods):
    request = placement.CheckoutRequest(
        channel=channel(order),
        user=order.user,
        shipping_address={},
        shipping_method_code=order.shipping_code,
        payment_method=order.payment_method,
        company=order.company,
    )
    return placement.shipping_method(request, goods)


def _address_fields(order, address_id: int) -> dict:
    if order.company_id:
        try:
            return ship_to_for_order(company=order.company, address_id=address_id).fields
        except (ShipToUnknown, ShipToNotAllowed) as error:
            raise EditInvalid([str(error)]) from error
    address = UserAddress.objects.filter(user_id=order.user_id, pk=address_id).first()
    if order.user_id is None or address is None:
        raise EditInvalid(["No such address in the buyer's address book."])
    return order_address_fields(address)


def edit_plan(order, changes: OrderChanges) -> Plan:
    """Check the changes and work out the edited order (no locks taken)."""
    lines = {line.pk: line for line in order.lines.select_related("product__product_class")}
    problems = []
    unknown = sorted(set(changes.quantities) - set(lines))
    if unknown:
        problems.append("No such line on this order: " + ", ".join(map(str, unknown)) + ".")
    wanted = {pk: changes.quantities.get(pk, line.quantity) for pk, line in lines.items()}
    added: dict[int, int] = {}
    for product_id, quantity in changes.additions:
        added[product_id] = added.get(product_id, 0) + quantity
    for quantity in [*wanted.values(), *added.values()]:
        if not 0 <= quantity <= MAX_QUANTITY:
            problems.append(f"A quantity is between 0 and {MAX_QUANTITY}.")
            break
    strategy = _strategy(order)
    products = {
        p.pk: p
        for p in Product.objects.select_related("product_class").filter(
            pk__in=list(added), structure__in=[Product.STANDALONE, Product.CHILD]
        )
    }
    strategy.prefetch(
        [*products.values(), *(line.product for line in lines.values() if line.product)]
    )
    plans: list[LinePlan] = []
    by_product = {line.product_id: pk for pk, line in lines.items()}
    for product_id, quantity in added.items():
        if product_id in by_product:  # already on the order: more of that line
            pk = by_product[product_id]
            wanted[pk] += quantity
        elif product_id not in products or not strategy.is_visible(products[product_id]):
            problems.append(f"No such product: {product_id}.")
        elif quantity > 0:
            plans.append(LinePlan(None, products[product_id], quantity, 0))
    removed = []
    for pk, line in sorted(lines.items()):
        if wanted[pk] == 0:
            removed.append(line)
        else:
            plans.append(LinePlan(line, line.product, wanted[pk], line.quantity))
    if not plans:
        problems.append("An order keeps at least one line; cancel it instead.")
    for plan in plans:
        if plan.line is not None and plan.quantity == plan.old_quantity:
            continue
        if plan.product is None:
            problems.append(f"{plan.line.title} is no longer for sale.")
            continue
        info = strategy.fetch_for_product(plan.product, quantity=plan.quantity)
        title = plan.product.get_title()
        if not strategy.is_visible(plan.product) or not info.price.exists:
            problems.append(f"{title} is no longer for sale.")
            continue
        rule = quantity_problem(plan.product, plan.quantity)
        if rule is not None:
            problems.append(f"{title}: {rule}.")
            continue
        plan.quote = info.price.quote
        plan.stockrecord = info.stockrecord
        if plan.line is None and plan.stockrecord is None:
            problems.append(f"{title} is no longer for sale.")
    shipping = None
    if changes.shipping_address_id is not None:
        shipping = _address_fields(order, changes.shipping_address_id)
    if problems:
        raise EditInvalid(problems)
    if not removed and not [p for p in plans if p.quote is not None] and shipping is None:
        raise EditInvalid(["Nothing to change."])
    goods = _goods(order, plans)
    charge, total = placement.totals(goods, _shipping_method(order, goods))
    return Plan(plans, removed, shipping, goods, charge, total)


def unit_gross(quote) -> Decimal:
    return quote.unit_net + quote.unit_tax


def _goods(order, plans: list[LinePlan]) -> _Goods:
    net = gross = Decimal("0")
    for plan in plans:
        if plan.quote is None:
            net += plan.line.line_price_excl_tax
            gross += plan.line.line_price_incl_tax
        else:
            net += plan.quote.unit_net * plan.quantity
            gross += unit_gross(plan.quote) * plan.quantity
    return _Goods(quantize(net, order.currency), quantize(gross, order.currency), order.currency)
