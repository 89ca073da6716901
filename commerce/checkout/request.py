"""One way into the order pipeline: each door (storefront checkout, portal
checkout, the payer of a shared basket, ``POST /api/checkout/``) turns what
its form or serializer cleaned into the one ``CheckoutRequest`` here, and
nowhere else.

The door keeps what is its own (where the form came from, how an error is
shown); what the buyer chose is read here: the addresses (the one list of
fields an order copies, ``accounts.addresses.ORDER_ADDRESS_FIELDS``), the
company's bill-to, the card token (the gateway tokenizes a card form in one
place), the total the buyer saw, the delivery, the PO, the notes, the
payment method and the requested date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from accounts.addresses import ShipTo, bill_to_fields, order_address_fields, ship_to_for_order
from commerce import sites
from commerce.checkout.placement import CheckoutRequest
from commerce.core import attribution
from commerce.order.models import PaymentMethod
from commerce.payments.gateway import get_gateway


def parse_expected_total(value) -> Decimal | None:
    """The total the buyer saw (a posted string), or None when it is missing or
    not a number: then placement does not compare totals."""
    if value is None or isinstance(value, Decimal):
        return value
    try:
        total = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return total if total.is_finite() else None


def tokenize_card(card_form):
    """The gateway's token (and label) for a valid ``CardForm``; the card
    details go no further. Raises ``PaymentError`` when the gateway refuses."""
    month, year = card_form.expiry_parts()
    return get_gateway().tokenize(
        number=card_form.cleaned_data["number"],
        exp_month=month,
        exp_year=year,
        cvc=card_form.cleaned_data["cvc"],
    )


def storefront_request(
    *,
    channel: str,
    user,
    guest_email: str,
    shipping_address,
    shipping_method_code: str,
    payment_method: str,
    card_token: str,
    expected_total,
    source: dict | None = None,
    instalments: int = 0,
) -> CheckoutRequest:
    """Oscar's storefront checkout: the address and method from its session steps
    (``instalments``: the number of monthly parts when paying in instalments)."""
    return CheckoutRequest(
        channel=channel,
        user=user,
        guest_email=guest_email or "",
        shipping_address=order_address_fields(shipping_address),
        shipping_method_code=shipping_method_code,
        payment_method=payment_method,
        card_token=card_token or "",
        expected_total=parse_expected_total(expected_total),
        source=source or {},
        instalments=instalments if payment_method == PaymentMethod.INSTALMENTS else 0,
    )


def session_request(view, http_request) -> CheckoutRequest:
    """Oscar's storefront steps (``view``): the address and delivery its session
    steps chose, the payment its payment step chose, the total posted back."""
    basket = http_request.basket
    session = view.checkout_session
    address = view.get_shipping_address(basket)
    method = view.get_shipping_method(basket, address)
    return storefront_request(
        channel=http_request.channel,
        user=http_request.user if http_request.user.is_authenticated else None,
        guest_email=session.get_guest_email(),
        shipping_address=address,
        shipping_method_code=method.code if method else "",
        payment_method=session.chosen_payment_method(),
        card_token=session.card_token(),
        expected_total=http_request.POST.get("expected_total"),
        source=attribution.snapshot(http_request),
        instalments=session.chosen_instalments(),
    )


def company_request(
    *,
    channel: str,
    user,
    company,
    ship_to: ShipTo,
    shipping_method_code: str,
    payment_method: str,
    card_token: str = "",
    po_number: str = "",
    requested_delivery_date: date | None = None,
    notes: str = "",
    expected_total=None,
    refuse_if_approval_needed: bool = False,
    quote=None,
    instalments: int = 0,
) -> CheckoutRequest:
    """A company's order (the portal page, or the API on the portal): shipped to
    ``ship_to`` (the one ship-to rule decided it) and billed to the company's bill-to."""
    return CheckoutRequest(
        channel=channel,
        user=user,
        company=company if channel == sites.PORTAL else None,
        shipping_address=dict(ship_to.fields),
        billing_address=bill_to_fields(company),
        shipping_method_code=shipping_method_code,
        payment_method=payment_method,
        card_token=card_token or "",
        po_number=po_number or "",
        requested_delivery_date=requested_delivery_date,
        notes=notes or "",
        expected_total=parse_expected_total(expected_total),
        refuse_if_approval_needed=refuse_if_approval_needed,
        quote=quote,
        instalments=instalments,
    )


def company_form_request(
    *, channel: str, user, company, data: dict, card_token: str = "", expected_total=None
) -> CheckoutRequest:
    """The portal page's cleaned form: shipped where the one ship-to rule (as for
    the API) allows the chosen ship-to address. Raises ``AccountsError`` when it
    does not."""
    ship_to = ship_to_for_order(company=company, address_id=data["ship_to"].pk)
    return company_request(
        channel=channel,
        user=user,
        company=company,
        ship_to=ship_to,
        shipping_method_code=data["shipping_method"],
        payment_method=data["payment_method"],
        card_token=card_token,
        po_number=data["po_number"],
        requested_delivery_date=data["requested_delivery_date"],
        notes=data["notes"],
        expected_total=expected_total,
    )


def payer_request(
    *,
    share,
    shipping_address: dict,
    shipping_method_code: str,
    card_token: str,
    expected_total,
) -> CheckoutRequest:
    """A shared basket, placed as its requester's order and paid by card by the payer."""
    return CheckoutRequest(
        channel=sites.STOREFRONT,
        user=share.requester,
        shipping_address=shipping_address,
        shipping_method_code=shipping_method_code,
        payment_method=PaymentMethod.CARD,
        card_token=card_token,
        expected_total=parse_expected_total(expected_total),
        payer_email=share.payer.email if share.payer else share.payer_email,
        paid_by=share.payer,
    )


def api_request(
    *, site, user, data: dict, ship_to: ShipTo | None, source: dict | None = None, quote=None
) -> CheckoutRequest:
    """``POST /api/checkout/``'s validated body: a company's order when ``ship_to``
    (the one ship-to rule decided it), else a consumer's to ``shipping_address``;
    ordered from an accepted ``quote`` when given (a company's only)."""
    choices = {
        "shipping_method_code": data["shipping_method"],
        "payment_method": data["payment_method"],
        "card_token": data["card_token"],
        "po_number": data["po_number"],
        "requested_delivery_date": data.get("requested_delivery_date"),
        "notes": data["notes"],
        "expected_total": data.get("expected_total"),
        "refuse_if_approval_needed": data["if_approval_needed"] == "refuse",
    }
    if data.get("instalments"):
        choices["instalments"] = data["instalments"]
    if ship_to is not None:
        return company_request(
            channel=site.channel,
            user=user,
            company=site.company,
            ship_to=ship_to,
            quote=quote,
            **choices,
        )
    return CheckoutRequest(
        channel=site.channel,
        user=user,
        shipping_address=dict(data["shipping_address"]),
        source=source or {},
        **choices,
    )
