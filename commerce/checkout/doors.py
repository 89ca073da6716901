"""What every checkout door shares, below the views: the idempotency key a page
carries, the card form turned into the gateway's token, the refusals placement
may answer with, the preview a page shows, and the redirect after an order.

A door (the storefront steps, the portal page, the payer of a shared basket,
``POST /api/checkout/``) keeps only what is its own: which form it shows and
how it shows an error.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.functional import cached_property

from commerce.billing import credit
from commerce.checkout.forms import InstalmentChoiceForm
from commerce.checkout.preview import (
    CheckoutPreview,
    checkout_preview,
    household_preview,
    instalment_options,
)
from commerce.checkout.request import tokenize_card
from commerce.dealers import selectors as dealer_selectors
from commerce.order.exceptions import CheckoutError
from commerce.order.models import PaymentMethod
from commerce.payments.gateway import PaymentError

# What placement refuses an order with; every door shows these to the buyer.
REFUSALS = (CheckoutError, PaymentError)


def new_idempotency_key() -> str:
    """A fresh key for a page's hidden field: submitting the page twice places one order."""
    return uuid.uuid4().hex


def posted_idempotency_key(data) -> str | None:
    """The key a page posted back (at most 64 characters), or None."""
    return (data.get("idempotency_key") or "")[:64] or None


def posted_expected_total(data, method_code: str):
    """The total the buyer saw next to the delivery option they chose."""
    return data.get(f"expected_total_{method_code}")


def tokenized_card(card_form):
    """The gateway's token and label for a valid card form; None when the
    gateway refused it, with its message added to the form."""
    try:
        return tokenize_card(card_form)
    except PaymentError as error:
        card_form.add_error(None, str(error))
        return None


def card_token(card_form) -> str | None:
    """The token of ``tokenized_card``, or None when the gateway refused the card."""
    card = tokenized_card(card_form)
    return card.token if card is not None else None


def order_placed(request, placement, url_name: str):
    """After placement: say so and show the order."""
    messages.success(request, f"Order {placement.order.number} placed.")
    return redirect(url_name, number=placement.order.number)


def storefront_payment_context(request, session) -> dict:
    """What the storefront's payment step and preview say about the payment chosen."""
    return {
        "card_label": session.card_label(),
        "pay_later": session.chosen_payment_method() == PaymentMethod.PAY_LATER,
        "pay_later_available": credit.pay_later_available(request.user),
    }


def storefront_instalment_options(request, method) -> list:
    """The instalment plans the storefront buyer may pay the basket in, with
    delivery ``method`` (none for guests or a basket that does not qualify)."""
    return instalment_options(
        request.basket, channel=request.channel, user=request.user, method=method
    )


def storefront_instalment_context(session, options, form=None) -> dict:
    """The plans offered on the payment step, the choice form and, once chosen,
    the plan the preview shows."""
    chosen = session.chosen_instalments()
    return {
        "instalment_options": options,
        "instalment_form": form or InstalmentChoiceForm(options=options),
        "instalment_plan": next((o for o in options if o.count == chosen), None),
    }


def storefront_preview_context(request, context) -> dict:
    """The storefront preview's key, the total the buyer sees (posted back to be
    compared), a household member's budget verdict and the dealer who would
    deliver to the chosen address."""
    total = context.get("order_total")
    extra = {
        "idempotency_key": new_idempotency_key(),
        "expected_total": getattr(total, "incl_tax", None),
        "household": household_preview(request.user, total),
    }
    address = context.get("shipping_address")
    if address is not None:
        extra["delivered_by"] = dealer_selectors.dealer_preview(
            lines=request.basket.all_lines(),
            country=getattr(address, "country_id", "") or "",
            postcode=address.postcode or "",
        )
    return extra


class PreviewMixin:
    """The one checkout preview of the request's basket, computed once per request."""

    @cached_property
    def checkout_preview(self) -> CheckoutPreview:
        request = self.request
        return checkout_preview(
            request.basket,
            channel=request.channel,
            company=getattr(request, "company", None),
            membership=getattr(request, "membership", None),
        )

    def preview_context(self) -> dict:
        preview = self.checkout_preview
        return {
            "basket": self.request.basket,
            "options": preview.options,
            "credit": preview.credit,
            "approval": preview.approval,  # said before submission: placement's evaluation
        }
