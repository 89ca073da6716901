"""The portal's one-page checkout: ship-to, delivery, PO, date, notes, payment
on account or by card. The page shows the one checkout preview and hands the
one checkout request to the one order pipeline."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from accounts import policy
from accounts.exceptions import AccountsError
from commerce.checkout import doors
from commerce.checkout.placement import order_place
from commerce.checkout.request import company_form_request
from commerce.order.models import PaymentMethod
from commerce.shipping.repository import methods_for
from portals.portal.checkout_forms import OptionalCardForm, PortalCheckoutForm, payment_choices
from portals.portal.mixins import ActionRequiredMixin


class PortalCheckoutView(ActionRequiredMixin, doors.PreviewMixin, View):
    template_name = "portal/checkout.html"
    required_action = policy.Action.PLACE_ORDER

    def page(self, request, form, card_form, error=None, status=200):
        context = {"form": form, "card_form": card_form, "error": error, **self.preview_context()}
        return render(
            request, self.template_name, {**context, "company": request.company}, status=status
        )

    def make_form(self, request, data=None):
        return PortalCheckoutForm(
            data,
            company=request.company,
            methods=methods_for(request.channel),
            payment_choices=payment_choices(self.checkout_preview.account),
            initial={"idempotency_key": doors.new_idempotency_key()},
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
        token = doors.card_token(card_form) if by_card else ""
        if token is None:
            return self.page(request, form, card_form, status=400)
        data = form.cleaned_data
        try:
            checkout = company_form_request(
                channel=request.channel,
                user=request.user,
                company=request.company,
                data=data,
                card_token=token,
                expected_total=doors.posted_expected_total(request.POST, data["shipping_method"]),
            )
        except AccountsError as error:
            form.add_error("ship_to", str(error))
            return self.page(request, form, card_form, status=400)
        try:
            placement = order_place(
                basket=request.basket, request=checkout, idempotency_key=data["idempotency_key"]
            )
        except (*doors.REFUSALS, policy.NotAllowed) as error:
            return self.page(request, form, card_form, error=error.message, status=400)
        return doors.order_placed(request, placement, "portal:order-detail")
