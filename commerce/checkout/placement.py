"""The one order pipeline: every order from either site is placed here.

``order_place`` validates the basket and the buyer's choices without locks,
authorizes a card outside any transaction, then in one transaction takes its
locks in the project's lock order (``commerce.core.locks``: basket,
idempotency key, credit account, stock records, dealer stock), re-checks
prices and availability, routes storefront orders of dealer products to a
dealer (``commerce.dealers``: the decision and the offer are written with the
order), creates the order with Oscar's ``OrderCreator`` (which freezes
each line's price quote and allocates each line over the warehouses that have
it), records the payment and submits the basket. Every path that does not
end in an order voids the authorization. The basket row is locked for the
whole locked step, so a double click, a retry or a second tab produce one
order and one payment.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from oscar.core.loading import get_class, get_model

from accounts import acting, policy
from accounts.addresses import ORDER_ADDRESS_FIELDS
from catalog.quantity import quantity_problem
from commerce import sites
from commerce.approvals import rules as approval_rules
from commerce.approvals import services as approval_services
from commerce.billing import credit
from commerce.core.locks import in_transaction, retry_on_conflict
from commerce.dealers import services as dealer_services
from commerce.households import budget as household_budget
from commerce.households import services as household_services
from commerce.instalments import services as instalments
from commerce.order import idempotency, stock
from commerce.order import status as order_status
from commerce.order.exceptions import (
    ApprovalRequired,
    BasketInvalid,
    CheckoutError,
    EmptyBasket,
    InvalidShipping,
    OutOfStock,
    PaymentMethodNotAllowed,
    PONumberRequired,
    PriceChanged,
    VoucherNotUsable,
)
from commerce.order.models import PaymentMethod
from commerce.outbox.services import outbox_emit_many
from commerce.payments import services as payments
from commerce.shipping.repository import methods_for
from commerce.webhooks import events
from commerce.webhooks.events import webhook_message
from pricing import vouchers as promotion_vouchers
from pricing.strategy import Selector

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
Site = get_model("sites", "Site")

TOPIC_ORDER_SOURCE = "checkout.order_source"
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")


@dataclass
class CheckoutRequest:
    """What the buyer chose at checkout (from a page or the API)."""

    channel: str
    user: object | None
    shipping_address: dict
    shipping_method_code: str
    payment_method: str
    company: object | None = None
    guest_email: str = ""
    billing_address: dict | None = None
    card_token: str = ""
    po_number: str = ""
    requested_delivery_date: date | None = None
    notes: str = ""
    # The total the buyer saw when they confirmed (gross on the storefront,
    # net on the portal); placement refuses if prices moved since.
    expected_total: Decimal | None = None
    # A shared basket paid by someone other than its owner (``user``).
    payer_email: str = ""
    paid_by: object | None = None
    # Refuse (ApprovalRequired) rather than place an order that needs approval.
    refuse_if_approval_needed: bool = False
    # How a storefront order came ({"source", "detail"}, ``commerce.core.attribution``).
    source: dict = field(default_factory=dict)
    # A negotiated quote the basket is ordered from: anything with ``pk`` and
    # ``fixed_prices()`` (product id -> ``pricing.fixed.FixedPrice``); its
    # prices replace the engine's rules and are frozen on the order lines.
    quote: object | None = None
    # Paying in instalments: how many monthly parts (3, 6 or 12).
    instalments: int = 0
    extra: dict = field(default_factory=dict)
    # The staff member placing it on ``user``'s behalf (an assisted session of
    # the portal): taken from the request's acting context.
    placed_by_staff: object | None = field(default_factory=acting.current_staff)

    def fingerprint(self, basket) -> str:
        """What makes two submissions "the same request" (for idempotency keys)."""
        lines = sorted((line.product_id, line.quantity) for line in basket.all_lines())
        payload = {
            "lines": lines,
            "ship": {k: str(v) for k, v in sorted(self.shipping_address.items())},
            "method": self.shipping_method_code,
            "payment": self.payment_method,
            "po": self.po_number,
            "date": str(self.requested_delivery_date or ""),
            "notes": self.notes,
            "refuse_if_approval_needed": self.refuse_if_approval_needed,
            "quote": getattr(self.quote, "pk", None),
            "instalments": self.instalments,
            "extra": {k: str(v) for k, v in sorted(self.extra.items())},
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Placement:
    order: object
    replayed: bool = False


# --- checks --------------------------------------------------------------------------------


def strategy_for(request: CheckoutRequest):
    fixed = request.quote.fixed_prices() if request.quote is not None else None
    return Selector().strategy(
        channel=request.channel, user=request.user, company=request.company, fixed_prices=fixed
    )


def basket_problems(basket) -> list[str]:
    """Why the basket cannot be ordered as it is (prices, quantity rules, stock)."""
    problems, short = _basket_check(basket)
    return problems + [
        f"{title}: {wanted} wanted, {available} available" for title, wanted, available in short
    ]


def check_basket(basket) -> None:
    """Raise ``BasketInvalid`` (prices, visibility, quantity rules) or, when only
    stock is short over all warehouses together, ``OutOfStock``."""
    problems, short = _basket_check(basket)
    if problems:
        raise BasketInvalid(problems)
    if short:
        raise OutOfStock(short)


def _basket_check(basket) -> tuple[list[str], list[tuple[str, int, int]]]:
    problems, short = [], []
    for line in basket.all_lines():
        info = line.purchase_info
        if not info.price.exists:
            problems.append(f"{line.product.get_title()} is no longer for sale.")
            continue
        permitted, reason = info.availability.is_purchase_permitted(line.quantity)
        if permitted:
            continue
        available = getattr(info.availability, "num_available", None)
        if (
            available is not None
            and line.quantity > available
            and quantity_problem(line.product, line.quantity) is None
        ):
            short.append((line.product.get_title(), line.quantity, max(available, 0)))
        else:
            problems.append(f"{line.product.get_title()}: {reason}.")
    return problems, short


def check_vouchers(basket, request: CheckoutRequest) -> None:
    """Every voucher code on the basket must still be usable by this buyer here
    (a clear refusal, never a silent price change)."""
    for code in basket.voucher_codes or []:
        try:
            promotion_vouchers.voucher_check(
                code, channel=request.channel, user=request.user, company=request.company
            )
        except promotion_vouchers.VoucherNotFound as error:
            raise VoucherNotUsable(
                f"The voucher {code} no longer exists; remove it from your basket."
            ) from error
        except promotion_vouchers.VoucherInvalid as error:
            raise VoucherNotUsable(f"{error.message} Remove it from your basket.") from error


def promotion_ids(basket) -> set[int]:
    """The promotions the basket's lines are priced with."""
    ids = set()
    for line in basket.all_lines():
        quote = getattr(line.purchase_info.price, "quote", None)
        if quote is not None and quote.promotion_id:
            ids.add(quote.promotion_id)
    return ids


def claim_promotions(basket, request: CheckoutRequest) -> list:
    """Step 3a of the lock order: lock the promotions used and enforce their limits."""
    ids = promotion_ids(basket)
    if not ids:
        return []
    try:
        return promotion_vouchers.promotions_claim(ids, user=request.user, company=request.company)
    except promotion_vouchers.VoucherInvalid as error:
        raise VoucherNotUsable(error.message) from error


def shipping_method(request: CheckoutRequest, basket):
    for method in methods_for(request.channel):
        if method.code == request.shipping_method_code:
            return method
    raise InvalidShipping(f"Unknown shipping method '{request.shipping_method_code}'.")


def check_payment_method(request: CheckoutRequest, membership) -> None:
    method = request.payment_method
    if method not in PaymentMethod.values:
        raise PaymentMethodNotAllowed(f"Unknown payment method '{method}'.")
    if method in (PaymentMethod.CARD, PaymentMethod.INSTALMENTS):
        if not request.card_token:
            raise PaymentMethodNotAllowed("Enter your card details.")
        if method == PaymentMethod.INSTALMENTS and request.channel != sites.STOREFRONT:
            raise PaymentMethodNotAllowed("Instalments are for consumers on the storefront.")
        return
    if method == PaymentMethod.ACCOUNT:
        if request.channel != sites.PORTAL or membership is None:
            raise PaymentMethodNotAllowed("Paying on account is for business customers.")
        return
    if request.channel == sites.STOREFRONT and credit.pay_later_available(request.user):
        return
    raise PaymentMethodNotAllowed("Paying later is not available for your account.")


def reserve_credit(request: CheckoutRequest, number: str, total):
    """Step 7: lock the credit account an on-account (the company's) or pay-later
    (the buyer's) order draws on, check the order fits and return the account
    (None for other payment methods); ``NoTerms`` when there is no account."""
    if request.payment_method == PaymentMethod.ACCOUNT:
        owner = {"company": request.company}
    elif request.payment_method == PaymentMethod.PAY_LATER:
        owner = {"user": request.user}
    else:
        return None
    account, _exposure = credit.credit_reserve_for(
        **owner, order_number=number, amount=total.incl_tax, currency=total.currency
    )
    return account


def check_buyer(request: CheckoutRequest):
    """The membership that may order on the portal (policy), or None on the storefront."""
    if request.channel != sites.PORTAL:
        if request.user is None and not request.guest_email:
            raise CheckoutError("An email address is needed for a guest order.")
        return None
    if request.company is None or request.user is None:
        raise CheckoutError("Sign in to the portal to order for your company.")
    from accounts.selectors import membership_for

    membership = membership_for(request.user, request.company.pk)
    policy.require(membership, policy.Action.PLACE_ORDER)
    if request.company.po_number_required and not request.po_number.strip():
        raise PONumberRequired(request.company.name)
    return membership


def totals(basket, method):
    charge = method.calculate(basket)
    return charge, OrderTotalCalculator().calculate(basket, charge)


def shown_total(request: CheckoutRequest, total) -> Decimal:
    return sites.get_site(request.channel).shown(total)


# --- the pipeline --------------------------------------------------------------------------


def _addresses(request: CheckoutRequest, *, check: bool = True):
    """The order's addresses (unsaved); ``check`` validates the delivery address
    (the preview does, the locked step builds the same one again)."""
    fields = {k: v for k, v in request.shipping_address.items() if k in ORDER_ADDRESS_FIELDS}
    shipping = ShippingAddress(**fields)
    # A country given as a row already loaded needs no lookup to exist; a key
    # given on its own is looked up by the validation.
    loaded = getattr(fields.get("country"), "pk", None) is not None
    try:
        if check:
            shipping.full_clean(exclude=["code", "country"] if loaded else ["code"])
    except ValidationError as error:  # a clear message, nothing saved
        raise InvalidShipping(f"Please check the delivery address: {error}") from error
    billing = None
    if request.billing_address:
        billing = BillingAddress(
            **{
                k: v
                for k, v in request.billing_address.items()
                if k in ORDER_ADDRESS_FIELDS and k not in ("notes", "phone_number")
            }
        )
    return shipping, billing


CARD_METHODS = (PaymentMethod.CARD, PaymentMethod.INSTALMENTS)


def charged_now(request: CheckoutRequest, total) -> Decimal:
    """What the card is charged at placement: the total, or the first instalment."""
    if request.payment_method == PaymentMethod.INSTALMENTS:
        return instalments.first_part(total.incl_tax, request.instalments, total.currency)
    return total.incl_tax


@dataclass
class _Preview:
    """What a checkout would cost, worked out without taking any lock."""

    number: str = ""
    total: object = None
    replay: object = None  # an order this very request already placed
    checked: bool = False  # the checks ran (a card's total); else the locked step runs them
    visible: frozenset = frozenset()  # the products the checks found visible


def order_place(
    *,
    basket,
    request: CheckoutRequest,
    idempotency_key: str | None = None,
    fingerprint: str | None = None,
    around=None,
) -> Placement:
    """Place ``basket`` as an order, exactly once. Raises a ``CheckoutError``
    (or a ``PaymentError``) and then nothing is left behind: no order, no
    allocation, no card hold, the basket as it was.

    Three steps: a preview without locks (checks and the total), the card
    authorization outside any transaction (a slow gateway holds no row lock),
    then the order in one transaction under the lock order of
    ``commerce.core.locks``, where the total must still equal what was
    authorized. Every path that does not end in this request's order voids
    the authorization. ``idempotency_key`` is scoped to (user, site, company),
    or to the basket for guests; ``fingerprint`` says what "the same request"
    is (by default the basket's lines and the buyer's choices). ``around``
    wraps the locked step (it gets a callable that places and returns its
    ``Placement``), for callers that lock rows of their own first.
    """
    if request.payment_method in CARD_METHODS and in_transaction():
        raise RuntimeError(
            "order_place authorizes cards outside transactions: call it outside "
            "transaction.atomic, so a rollback cannot leave a card hold behind."
        )
    preview = _preview(basket, request, idempotency_key, fingerprint)
    if preview.replay is not None:
        return Placement(preview.replay, replayed=True)
    authorization = None
    if request.payment_method in CARD_METHODS:
        authorization = payments.payment_authorize(
            token=request.card_token,
            amount=charged_now(request, preview.total),
            currency=preview.total.currency,
            reference=preview.number,
        )
    try:
        placement = _place_locked(
            basket,
            request,
            idempotency_key,
            fingerprint,
            authorization,
            around,
            preview.checked,
            preview.visible,
        )
    except BaseException:
        if authorization is not None:
            payments.payment_void_authorization(authorization)
        raise
    if placement.replayed and authorization is not None:
        # Another submission placed the order first.
        payments.payment_void_authorization(authorization)
    return placement


def _preview(basket, request: CheckoutRequest, idempotency_key, fingerprint) -> _Preview:
    """Every check that needs no lock, and the total to authorize."""
    if idempotency_key and fingerprint is not None and request.user is not None:
        # A retry may come with a new (even unsaved) basket: the key decides.
        row = idempotency.key_find(idempotency_key, request, basket, fingerprint)
        if row is not None and row.order_id:
            return _Preview(replay=Order.objects.get(pk=row.order_id))
    if basket.pk is None:
        raise EmptyBasket()
    if not idempotency_key and not _checked_before_locks(request):
        return _Preview()  # the locked step finds a replay of this basket too
    current = Basket._default_manager.get(pk=basket.pk)
    current.prefetch_images = False
    current.strategy = strategy_for(request)
    if idempotency_key:
        row = idempotency.key_find(
            idempotency_key, request, current, fingerprint or request.fingerprint(current)
        )
        if row is not None and row.order_id:
            return _Preview(replay=Order.objects.get(pk=row.order_id))
    existing = _order_already_placed(current, request)
    if existing is not None:
        return _Preview(replay=existing)
    if not _checked_before_locks(request):
        return _Preview()
    checked = _check(current, request)
    _addresses(request)
    if checked.membership is not None and request.refuse_if_approval_needed:
        _evaluate_approval(request, checked.membership, current)
    elif request.refuse_if_approval_needed and _budgeted(request):
        _evaluate_household(request, household_budget.membership_of(request.user), checked.total)
    return _Preview(
        number=OrderNumberGenerator().order_number(current),
        total=checked.total,
        checked=True,
        visible=current.strategy.visible_ids(),
    )


def _checked_before_locks(request: CheckoutRequest) -> bool:
    """Whether the preview runs the checks: for a card (the total to authorize)
    or to refuse an order that needs approval before anything happens. Else the
    locked step runs every check, once: the same checks and errors, and nothing
    written when one fails."""
    return request.payment_method in CARD_METHODS or request.refuse_if_approval_needed


@dataclass(frozen=True)
class _Checked:
    membership: object
    method: object
    charge: object
    total: object


def _order_already_placed(basket, request: CheckoutRequest):
    """The order this basket already became, or ``None`` while it can still be
    placed. A shared basket is frozen (its owner shops on with another) and
    only its payer places it; every other basket is placed while open."""
    if basket.status == (Basket.FROZEN if request.payer_email else Basket.OPEN):
        return None
    existing = Order.objects.filter(basket=basket).first()
    if existing is None:
        raise EmptyBasket()
    return existing


def _check(basket, request: CheckoutRequest) -> _Checked:
    """The checks both the preview and the locked step run, in one order:
    buyer, payment method, basket, delivery, and the total the buyer saw."""
    if basket.is_empty:
        raise EmptyBasket()
    membership = check_buyer(request)
    check_payment_method(request, membership)
    check_vouchers(basket, request)
    check_basket(basket)
    method = shipping_method(request, basket)
    charge, total = totals(basket, method)
    if request.expected_total is not None and shown_total(request, total) != request.expected_total:
        raise PriceChanged(request.expected_total, shown_total(request, total))
    if request.payment_method == PaymentMethod.INSTALMENTS:
        instalments.instalments_check(
            user=request.user, basket=basket, count=request.instalments, total=total.incl_tax
        )
    return _Checked(membership=membership, method=method, charge=charge, total=total)


def _evaluate_approval(request: CheckoutRequest, membership, basket):
    evaluation = approval_rules.evaluate_basket(
        company=request.company, membership=membership, basket=basket
    )
    if evaluation.required and request.refuse_if_approval_needed:
        raise ApprovalRequired([match.message for match in evaluation.matches])
    return evaluation


def _budgeted(request: CheckoutRequest) -> bool:
    """Whether a household budget may apply: a signed-in consumer's storefront
    order they pay themselves (a shared basket's payer spends their own money)."""
    return (
        request.channel == sites.STOREFRONT
        and request.user is not None
        and request.paid_by is None
        and not request.payer_email
    )


def _evaluate_household(request: CheckoutRequest, member, total):
    """A household member's order against their monthly budget: over it, the
    household's owner approves (the approval engine)."""
    evaluation = approval_rules.evaluate_household(member=member, total=total.incl_tax)
    if evaluation.required:
        if request.refuse_if_approval_needed:
            raise ApprovalRequired([match.message for match in evaluation.matches])
        if request.payment_method == PaymentMethod.INSTALMENTS:
            raise PaymentMethodNotAllowed(
                "This order is over your household budget: pay it in full (it then waits "
                "for the owner's approval) or ask the owner to pay."
            )
    return evaluation


@retry_on_conflict
def _place_locked(
    basket,
    request,
    idempotency_key,
    fingerprint,
    authorization,
    around,
    previewed=False,
    visible=frozenset(),
):
    def place():
        return _place(
            basket, request, idempotency_key, fingerprint, authorization, previewed, visible
        )

    with transaction.atomic():
        if around is not None:
            return around(place)
        return place()


def _place(
    basket,
    request: CheckoutRequest,
    idempotency_key,
    fingerprint,
    authorization,
    previewed,
    visible=frozenset(),
) -> Placement:
    # The basket row lock serialises every submission of this basket.
    locked = Basket._default_manager.select_for_update().get(pk=basket.pk)
    locked.prefetch_images = False
    locked.strategy = strategy_for(request)
    # Visibility is checked once, like the delivery address: the preview's
    # products are not looked up again (prices, stock and the rest are).
    locked.strategy.note_visible_ids(visible)
    fingerprint = fingerprint or request.fingerprint(locked)
    key_row = (
        idempotency.key_claim(idempotency_key, request, locked, fingerprint)
        if idempotency_key
        else None
    )
    if key_row is not None and key_row.order_id:
        return Placement(Order.objects.get(pk=key_row.order_id), replayed=True)
    existing = _order_already_placed(locked, request)
    if existing is not None:
        if key_row is not None:
            key_row.order = existing
            key_row.save(update_fields=["order"])
        return Placement(existing, replayed=True)

    checked = _check(locked, request)
    membership, method, charge, total = (
        checked.membership,
        checked.method,
        checked.charge,
        checked.total,
    )
    if authorization is not None and (
        charged_now(request, total) != authorization.amount
        or total.currency != authorization.currency
    ):
        raise PriceChanged(authorization.amount, charged_now(request, total))
    # Saved here, before the contended locks below (checked once: here or in the preview).
    shipping_address, billing_address = _addresses(request, check=not previewed)
    shipping_address.save()
    if billing_address is not None:
        billing_address.save()
    number = OrderNumberGenerator().order_number(locked)
    promotions = claim_promotions(locked, request)  # step 3a, before the credit account

    # Purchase approval: matching a company rule places the order as pending.
    evaluation = _evaluate_approval(request, membership, locked) if membership is not None else None
    household = None
    if membership is None and _budgeted(request):
        # A household member's budget, under the household's row lock (step 3b).
        member = household_services.member_for_order(request.user)
        if member is not None:
            evaluation = _evaluate_household(request, member, total)
            household = member.household
    needs_approval = evaluation is not None and evaluation.required

    # On account: check the credit and hold it under the account's row lock
    # (step 7), before the stock records (step 9).
    account = reserve_credit(request, number, total)
    instalment_account = None
    if request.payment_method == PaymentMethod.INSTALMENTS:
        # The parts after the first, held on the consumer's credit (step 7 too).
        instalment_account = instalments.instalments_reserve(
            user=request.user,
            order_number=number,
            total=total.incl_tax,
            count=request.instalments,
            currency=total.currency,
        )

    status = order_status.PENDING_APPROVAL if needs_approval else order_status.PLACED
    order = _create(
        locked, request, number, method, charge, total, shipping_address, billing_address, status
    )
    if promotions:
        promotion_vouchers.promotions_record(
            order=order, promotions=promotions, user=request.user, company=order.company
        )
    if needs_approval:
        approval_services.approval_request_create(
            order=order, requester=request.user, evaluation=evaluation, household=household
        )
    if account is not None:
        credit.credit_record_reservation(
            account=account, order=order, amount=total.incl_tax, actor=request.user
        )
    if authorization is not None:
        payments.payment_record_authorization(order=order, authorization=authorization)
    if instalment_account is not None:
        instalments.plan_create(
            order=order,
            account=instalment_account,
            count=request.instalments,
            card_token=request.card_token,
            reference=authorization.id if authorization is not None else "",
        )
    locked.submit()
    if key_row is not None:
        key_row.order = order
        key_row.save(update_fields=["order"])
    extra = []
    if request.channel == sites.STOREFRONT:
        # Frozen now; recorded by its handler (``commerce.leads``) for the analytics.
        source = {
            "order": order.pk,
            "source": request.source.get("source") or "direct",
            "detail": request.source.get("detail") or {},
        }
        extra.append((TOPIC_ORDER_SOURCE, source))
    _side_effects(order, sorted({line.product_id for line in locked.all_lines()}), extra)
    return Placement(order)


def _create(
    basket, request, number, method, charge, total, shipping_address, billing_address, status
):
    lines = basket.all_lines()
    plan = stock.route_lines(lines)
    # Storefront orders of products sold through dealers: route them (dealer
    # stock is step 9b of the lock order, after the warehouses' records).
    handoff = None
    if request.channel == sites.STOREFRONT:
        handoff = dealer_services.dealer_handoff_plan(
            lines=lines, shipping_address=shipping_address
        )
        if handoff is not None and handoff.to_dealer:
            plan = {}  # the dealer serves it: the warehouses hold nothing
    # Django's site cache (cleared when a site is saved or deleted).
    site = Site.objects._get_site_by_id(sites.get_site(request.channel).site_id)
    order = OrderCreator(allocations=plan, counts_purchases=False).place_order(
        basket=basket,
        total=total,
        shipping_method=method,
        shipping_charge=charge,
        user=request.user,
        shipping_address=shipping_address,
        billing_address=billing_address,
        order_number=number,
        status=status,
        site=site,
        guest_email=request.guest_email if request.user is None else "",
        company=request.company if request.channel == sites.PORTAL else None,
        po_number=request.po_number.strip(),
        payment_method=request.payment_method,
        requested_delivery_date=request.requested_delivery_date,
        buyer_notes=request.notes.strip(),
        payer_email=request.payer_email,
        paid_by=request.paid_by,
        placed_by_staff=request.placed_by_staff if request.channel == sites.PORTAL else None,
    )
    if order.placed_by_staff_id:
        order.notes.create(
            user=request.placed_by_staff,
            note_type="System",
            message=(
                f"Placed by {policy.display_name(request.placed_by_staff)} "
                f"on behalf of {policy.display_name(request.user)}."
            ),
        )
    if handoff is not None:
        dealer_services.dealer_handoff_record(order=order, handoff=handoff)
    return order


def _side_effects(order, products: list[int], extra: list[tuple[str, dict]]) -> None:
    """The new order's purchase counters, email, capture and webhooks (and the
    ``extra`` rows), as outbox rows in its transaction, written at once
    (``products``: the ids of what it bought)."""
    from commerce.order import analytics, handlers

    order_id = order.pk
    messages = [
        analytics.purchase_counters_message(order),
        (handlers.TOPIC_PLACED_EMAIL, {"order": order_id}),
    ]
    if order.payment_method in CARD_METHODS and order.status == order_status.PLACED:
        messages.append((handlers.TOPIC_CAPTURE, {"order": order_id}))
    messages.append(webhook_message(type=events.ORDER_PLACED, data=events.order_data(order)))
    messages.append(
        webhook_message(
            type=events.STOCK_CHANGED,
            data={"products": products, "reason": "allocated", "order": str(order.number)},
        )
    )
    outbox_emit_many(messages + extra)
