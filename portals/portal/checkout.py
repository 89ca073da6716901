"""The portal's one-page checkout: ship-to, delivery, PO, date, notes, payment
on account or by card. The page shows the one checkout preview and hands the
one checkout request to the one order pipeline."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from accounts import addresses, policy
from accounts.exceptions import AccountsError
from commerce.checkout.placement import order_place
from commerce.checkout.preview import checkout_preview
from commerce.checkout.request import company_request, tokenize_card
from commerce.order.exceptions import CheckoutError
from commerce.order.models import PaymentMethod
from commerce.payments.gateway import PaymentError
from commerce.shipping.repository import methods_for
from portals.portal.checkout_forms import PAYMENT_LABELS, OptionalCardForm, PortalCheckoutForm
from portals.portal.mixins import ActionRequiredMixin


def payment_choices(account) -> list[tuple[str, str]]:
    """Payment methods offered to this company: on account first when it has terms."""
    choices = []
    if account is not None and account.is_active:
        choices.append((PaymentMethod.ACCOUNT, PAYMENT_LABELS[PaymentMethod.ACCOUNT]))
    choices.append((PaymentMethod.CARD, PAYMENT_LABELS[PaymentMethod.CARD]))
    return choices


class PortalCheckoutView(ActionRequiredMixin, View):
    template_name = "portal/checkout.html"
    required_action = policy.Action.PLACE_ORDER

    def preview(self, request):
        if not hasattr(self, "_preview"):
            self._preview = checkout_preview(
                request.basket,
                channel=request.channel,
                company=request.company,
                membership=request.membership,
            )
        return self._preview

    def page(self, request, form, card_form, error=None, status=200):
        preview = self.preview(request)
        context = {
            "form": form,
            "card_form": card_form,
            "basket": request.basket,
            "options": preview.options,
            "error": error,
            "company": request.company,
            "credit": preview.credit,
            "approval": preview.approval,  # said before submission: placement's evaluation
        }
        return render(request, self.template_name, context, status=status)

    def make_form(self, request, data=None):
        return PortalCheckoutForm(
            data,
            company=request.company,
            methods=methods_for(request.channel),
            payment_choices=payment_choices(self.preview(request).account),
            initial={"idempotency_key": uuid.uuid4().hex},
        )

    def get(self, request):
        if request.basket.is_empty:
            messages.info(request, "Your basket is empty.")
            return redirect("basket:summary")
        return self.page(request, self.make_form(request), OptionalCardForm())

    def post(self, request):
        form = self.make_form(request, request.POST)
        by_card = request.POST.get("payment_method") == PaymentMethod.CARD
        # Card fields are checked (and their errors shown) only when paying by card.
        card_form = OptionalCardForm(request.POST if by_card else None)
        if not form.is_valid() or (by_card and not card_form.is_valid()):
            return self.page(request, form, card_form, status=400)
        data = form.cleaned_data
        token = ""
        if by_card:
            try:
                token = tokenize_card(card_form).token
            except PaymentError as error:
                card_form.add_error(None, str(error))
                return self.page(request, form, card_form, status=400)
        try:  # the one ship-to rule, as for the API
            ship_to = addresses.ship_to_for_order(
                company=request.company, address_id=data["ship_to"].pk
            )
        except AccountsError as error:
            form.add_error("ship_to", str(error))
            return self.page(request, form, card_form, status=400)
        checkout = company_request(
            channel=request.channel,
            user=request.user,
            company=request.company,
            ship_to=ship_to,
            shipping_method_code=data["shipping_method"],
            payment_method=data["payment_method"],
            card_token=token,
            po_number=data["po_number"],
            requested_delivery_date=data["requested_delivery_date"],
            notes=data["notes"],
            expected_total=request.POST.get(f"expected_total_{data['shipping_method']}"),
        )
        try:
            placement = order_place(
                basket=request.basket, request=checkout, idempotency_key=data["idempotency_key"]
            )
        except (CheckoutError, PaymentError, policy.NotAllowed) as error:
            return self.page(request, form, card_form, error=error.message, status=400)
        messages.success(request, f"Order {placement.order.number} placed.")
        return redirect("portal:order-detail", number=placement.order.number)
