"""Request for quote -> negotiated offer -> order at the quoted prices.

Each step locks the quote row, checks the status, writes the step to the
quote's thread (``QuoteEvent``: who, when, message, prices) and emails the
other party through the outbox, all in one transaction. Ordering goes through
the one placement service with the quote on the ``CheckoutRequest``: its
prices replace the engine's rules (``pricing.fixed``, reason "Quote
Q-000012") and are frozen on the order lines; approval rules and credit apply
as for any order.

Lock order: the quote row first (before the basket, ``commerce.core.locks``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from accounts import policy
from catalog import visibility
from commerce import sites
from commerce.checkout.placement import CheckoutRequest, Placement, order_place
from commerce.core.locks import retry_on_conflict
from commerce.core.money import quantize
from commerce.outbox.services import outbox_emit
from commerce.quotes import topics
from commerce.quotes.exceptions import NotQuoteParty, QuoteError, QuoteExpired, QuoteNotOpen
from commerce.quotes.models import Quote, QuoteEvent, QuoteLine
from pricing.fixed import FixedPrice
from pricing.strategy import Selector

Basket = get_model("basket", "Basket")
Status = Quote.Status
Kind = QuoteEvent.Kind

MAX_QUANTITY = 100_000
MAX_PRICE = Decimal("9999999999.99")


def fixed_prices(quote: Quote) -> dict[int, FixedPrice]:
    """The quote's offered unit prices (net) by product, for the pricing engine."""
    reason = f"Quote {quote.number}"
    return {
        line.product_id: FixedPrice(unit_net=line.offered_price, reason=reason)
        for line in quote.lines.all()
        if line.offered_price is not None
    }


class QuotePrices:
    """What ``CheckoutRequest.quote`` expects: the quote's pk and its prices."""

    def __init__(self, quote: Quote):
        self.quote = quote
        self.pk = quote.pk

    def fixed_prices(self) -> dict[int, FixedPrice]:
        return fixed_prices(self.quote)


def _lock(quote: Quote) -> Quote:
    return Quote.objects.select_for_update().select_related("company").get(pk=quote.pk)


def _price(value, currency: str, what: str) -> Decimal:
    try:
        price = Decimal(str(value))
    except ArithmeticError as error:
        raise QuoteError(f"{what} must be an amount.") from error
    if not price.is_finite() or price < 0 or price > MAX_PRICE:
        raise QuoteError(f"{what} must be an amount of 0 or more.")
    if price != quantize(price, currency):
        raise QuoteError(f"{what}: amounts in {currency} have at most two decimals.")
    return price


def _snapshot(quote: Quote) -> dict:
    return {
        str(line.pk): {
            "product": line.product_id,
            "quantity": line.quantity,
            "target_price": None if line.target_price is None else str(line.target_price),
            "offered_price": None if line.offered_price is None else str(line.offered_price),
        }
        for line in quote.lines.order_by("pk")
    }


def _record(quote: Quote, kind: str, actor, message: str = "", *, by_staff=False) -> QuoteEvent:
    quote.updated_at = timezone.now()
    quote.save(update_fields=["status", "valid_until", "updated_at"])
    event = QuoteEvent.objects.create(
        quote=quote,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        by_staff=by_staff,
        message=(message or "").strip(),
        details=_snapshot(quote),
    )
    outbox_emit(topic=topics.EMAIL, payload={"event": event.pk})
    return event


def _require_party(quote: Quote, membership) -> None:
    if membership is None or membership.company_id != quote.company_id:
        raise NotQuoteParty("This quote belongs to another company.")
    policy.require(membership, policy.Action.PLACE_ORDER)
    if quote.requested_by_id != membership.user_id and not policy.is_company_admin(membership):
        raise NotQuoteParty(
            "Only the member who asked for the quote, or a company admin, may do this."
        )


# --- the buyer --------------------------------------------------------------------------------


@transaction.atomic
def quote_request(
    *,
    membership,
    lines: list[tuple[object, int, Decimal | None]],
    message: str = "",
    requested_date: date | None = None,
) -> Quote:
    """A request for quote of ``lines`` ((product, quantity, target price or None))."""
    policy.require(membership, policy.Action.PLACE_ORDER)
    company = membership.company
    if not lines:
        raise QuoteError("Put the products you want a quote for in your basket first.")
    if requested_date is not None and requested_date < timezone.localdate():
        raise QuoteError("The requested date cannot be in the past.")
    merged: dict[int, list] = {}
    for product, quantity, target in lines:
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 1 <= quantity <= MAX_QUANTITY
        ):
            raise QuoteError(f"Quantities are whole numbers from 1 to {MAX_QUANTITY}.")
        if product.pk in merged:
            merged[product.pk][1] += quantity
        else:
            merged[product.pk] = [product, quantity, target]
    products = [entry[0] for entry in merged.values()]
    visible = visibility.visible_ids(products, site=sites.PORTAL, company=company)
    if any(p.pk not in visible for p in products):
        raise QuoteError("No such product.")
    currency = company_currency()
    quote = Quote.objects.create(
        company=company,
        requested_by=membership.user,
        message=(message or "").strip(),
        requested_date=requested_date,
        currency=currency,
    )
    quote.number = f"Q-{quote.pk:06d}"
    quote.save(update_fields=["number"])
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            product=product,
            quantity=min(quantity, MAX_QUANTITY),
            target_price=None if target is None else _price(target, currency, "A target price"),
        )
        for product, quantity, target in merged.values()
    )
    _record(quote, Kind.REQUESTED, membership.user, message)
    return quote


def company_currency() -> str:
    from django.conf import settings

    return settings.OSCAR_DEFAULT_CURRENCY


@retry_on_conflict
@transaction.atomic
def quote_counter(
    *, quote: Quote, membership, message: str, targets: dict[int, Decimal] | None = None
) -> Quote:
    """The buyer answers an offer with new target prices and a message: the
    quote goes back to the sales team."""
    quote = _lock(quote)
    _require_party(quote, membership)
    if quote.status not in (Status.OFFERED, Status.REQUESTED):
        raise QuoteNotOpen(
            f"A quote that is {quote.get_status_display().lower()} cannot be countered."
        )
    if not (message or "").strip() and not targets:
        raise QuoteError("Say what you would like changed.")
    lines = {line.pk: line for line in quote.lines.all()}
    for line_id, target in (targets or {}).items():
        if line_id not in lines:
            raise QuoteError(f"No line {line_id} on this quote.")
        lines[line_id].target_price = _price(target, quote.currency, "A target price")
        lines[line_id].save(update_fields=["target_price"])
    quote.status = Status.REQUESTED
    _record(quote, Kind.COUNTERED, membership.user, message)
    return quote


@retry_on_conflict
@transaction.atomic
def quote_accept(*, quote: Quote, membership) -> Quote:
    """Accept the offer: the quote gets a basket of its lines at the quoted
    prices, ready for checkout. Accepting an accepted quote again changes nothing."""
    quote = _lock(quote)
    _require_party(quote, membership)
    if quote.status == Status.ACCEPTED and not quote.is_past_validity:
        return quote
    if quote.status != Status.OFFERED:
        raise QuoteNotOpen(
            f"A quote that is {quote.get_status_display().lower()} cannot be accepted."
        )
    if quote.is_past_validity:
        raise QuoteExpired(f"Quote {quote.number} expired on {quote.valid_until}.")
    site_id = sites.get_site(sites.PORTAL).site_id
    # Owned by nobody: never merged into (or loaded as) anyone's shopping basket.
    basket = Basket.open.create(owner=None, site_id=site_id, company=quote.company)
    basket.strategy = Selector().strategy(
        channel=sites.PORTAL,
        user=membership.user,
        company=quote.company,
        fixed_prices=fixed_prices(quote),
    )
    for line in quote.lines.select_related("product").order_by("pk"):
        try:
            basket.add_product(line.product, line.quantity)
        except ValueError as error:
            raise QuoteError(f"{line.product.get_title()} can no longer be ordered.") from error
    quote.basket = basket
    quote.save(update_fields=["basket"])
    quote.status = Status.ACCEPTED
    _record(quote, Kind.ACCEPTED, membership.user)
    return quote


@retry_on_conflict
@transaction.atomic
def quote_decline(*, quote: Quote, actor, membership=None, message: str = "") -> Quote:
    """The buyer (``membership``) or staff (``membership`` None) declines the quote."""
    quote = _lock(quote)
    if membership is not None:
        _require_party(quote, membership)
    if quote.status not in (Status.REQUESTED, Status.OFFERED, Status.ACCEPTED):
        raise QuoteNotOpen(
            f"A quote that is {quote.get_status_display().lower()} cannot be declined."
        )
    quote.status = Status.DECLINED
    _record(quote, Kind.DECLINED, actor, message, by_staff=membership is None)
    return quote


@retry_on_conflict
@transaction.atomic
def quote_message(*, quote: Quote, actor, message: str, by_staff: bool, membership=None):
    quote = _lock(quote)
    if membership is not None and membership.company_id != quote.company_id:
        raise NotQuoteParty("This quote belongs to another company.")
    if not (message or "").strip():
        raise QuoteError("Write a message.")
    return _record(quote, Kind.MESSAGE, actor, message, by_staff=by_staff)


# --- the sales team ----------------------------------------------------------------------------


@retry_on_conflict
@transaction.atomic
def quote_offer(
    *, quote: Quote, actor, prices: dict[int, Decimal], valid_until: date, message: str = ""
) -> Quote:
    """Staff price the lines (``{line id: net unit price}``; lines not named keep
    their last offered price) and say until when the offer holds."""
    quote = _lock(quote)
    if quote.status not in (Status.REQUESTED, Status.OFFERED):
        raise QuoteNotOpen(
            f"A quote that is {quote.get_status_display().lower()} cannot be offered."
        )
    if valid_until is None or valid_until < timezone.localdate():
        raise QuoteError("The offer must be valid until today or later.")
    lines = {line.pk: line for line in quote.lines.all()}
    for line_id, price in prices.items():
        if line_id not in lines:
            raise QuoteError(f"No line {line_id} on this quote.")
        lines[line_id].offered_price = _price(price, quote.currency, "A price")
    missing = [line_id for line_id, line in lines.items() if line.offered_price is None]
    if missing:
        raise QuoteError(f"Give a price for every line (missing: {', '.join(map(str, missing))}).")
    for line in lines.values():
        line.save(update_fields=["offered_price"])
    quote.status = Status.OFFERED
    quote.valid_until = valid_until
    _record(quote, Kind.OFFERED, actor, message, by_staff=True)
    return quote


def quotes_expire(today: date | None = None) -> int:
    """Mark offers (and accepted, unordered quotes) past their validity as expired."""
    today = today or timezone.localdate()
    expired = 0
    due = Quote.objects.filter(
        status__in=[Status.OFFERED, Status.ACCEPTED], valid_until__lt=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            quote = Quote.objects.select_for_update().filter(pk=pk).first()
            if quote is None or quote.status not in (Status.OFFERED, Status.ACCEPTED):
                continue
            if not (quote.valid_until and quote.valid_until < today):
                continue
            quote.status = Status.EXPIRED
            _record(quote, Kind.EXPIRED, None)
            expired += 1
    return expired


# --- ordering ----------------------------------------------------------------------------------


def _check_orderable(quote: Quote) -> None:
    if quote.status == Status.ORDERED:
        return
    if quote.status != Status.ACCEPTED:
        if quote.status == Status.OFFERED and not quote.is_past_validity:
            raise QuoteNotOpen(f"Accept quote {quote.number} before ordering it.")
        if quote.shown_status == Status.EXPIRED:
            raise QuoteExpired(f"Quote {quote.number} has expired.")
        raise QuoteNotOpen(
            f"A quote that is {quote.get_status_display().lower()} cannot be ordered."
        )
    if quote.is_past_validity:
        raise QuoteExpired(f"Quote {quote.number} expired on {quote.valid_until}.")


def quote_order_place(
    *,
    quote: Quote,
    request: CheckoutRequest,
    idempotency_key: str | None = None,
    fingerprint: str | None = None,
) -> Placement:
    """Place the accepted quote's order through the one placement service, once:
    a second submission (or a race) gets the same order back."""
    quote = Quote.objects.select_related("basket", "order").get(pk=quote.pk)
    if request.company is None or request.company.pk != quote.company_id:
        raise NotQuoteParty("This quote belongs to another company.")
    _check_orderable(quote)
    if quote.status == Status.ORDERED and quote.order is not None:
        return Placement(quote.order, replayed=True)
    request = replace(request, quote=QuotePrices(quote))

    def around(place):
        locked = _lock(quote)
        if locked.status == Status.ORDERED and locked.order_id:
            return Placement(locked.order, replayed=True)
        _check_orderable(locked)
        placement = place()
        if not placement.replayed:
            locked.status = Status.ORDERED
            locked.order = placement.order
            locked.save(update_fields=["order"])
            _record(locked, Kind.ORDERED, request.user, f"Order {placement.order.number}")
        return placement

    return order_place(
        basket=quote.basket,
        request=request,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        around=around,
    )
