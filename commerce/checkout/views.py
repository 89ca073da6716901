"""Storefront checkout: Oscar's steps, with card payment through the gateway
interface and the order placed by the one order pipeline."""

import logging

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition

from commerce.billing import credit
from commerce.checkout import doors
from commerce.checkout.forms import CardForm, InstalmentChoiceForm
from commerce.checkout.placement import order_place
from commerce.checkout.request import session_request
from commerce.order.models import PaymentMethod
from commerce.payments.gateway import PaymentError

logger = logging.getLogger(__name__)


@method_decorator(sensitive_post_parameters("number", "cvc", "expiry"), name="dispatch")
class PaymentDetailsView(oscar_views.PaymentDetailsView):
    """Card details (and, where offered, a plan of instalments) -> token (kept in
    the session) -> preview -> place order."""

    def check_payment_data_is_captured(self, request):
        missing = self.checkout_session.payment_missing(request.user)
        if missing:
            raise FailedPreCondition(url=reverse("checkout:payment-details"), message=missing)

    def instalment_options(self):
        basket = self.request.basket
        method = self.get_shipping_method(basket, self.get_shipping_address(basket))
        return doors.storefront_instalment_options(self.request, method)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("card_form", CardForm())
        context.update(doors.storefront_payment_context(self.request, self.checkout_session))
        context.update(
            doors.storefront_instalment_context(
                self.checkout_session, self.instalment_options(), context.get("instalment_form")
            )
        )
        if self.preview:
            context.update(doors.storefront_preview_context(self.request, context))
        return context

    def post(self, request, *args, **kwargs):
        # Card details are posted to the payment-details step itself (Oscar
        # posts them to the preview, whose preconditions need them already).
        if not self.preview:
            return self.handle_payment_details_submission(request)
        return super().post(request, *args, **kwargs)

    def handle_payment_details_submission(self, request):
        if request.POST.get("pay_later"):
            if not credit.pay_later_available(request.user):
                messages.error(request, "Paying later is not available for your account.")
                return redirect("checkout:payment-details")
            self.checkout_session.pay_by(PaymentMethod.PAY_LATER)
            return redirect("checkout:preview")
        form = CardForm(request.POST)
        plans = InstalmentChoiceForm(request.POST, options=self.instalment_options())
        valid = [form.is_valid(), plans.is_valid()]  # both, to show every error
        card = doors.tokenized_card(form) if all(valid) else None
        if card is None:
            return self.render_payment_details(request, card_form=form, instalment_form=plans)
        self.checkout_session.pay_by_card(card, instalments=plans.cleaned_data["instalments"])
        return redirect("checkout:preview")

    def handle_place_order_submission(self, request):
        basket = request.basket
        checkout = session_request(self, request)
        key = doors.posted_idempotency_key(request.POST)
        try:
            placement = order_place(basket=basket, request=checkout, idempotency_key=key)
        except doors.REFUSALS as error:
            logger.info("Checkout refused for basket %s: %s", basket.pk, error)
            if isinstance(error, PaymentError):
                self.checkout_session.forget_card_token()
                messages.error(request, str(error))
                return redirect("checkout:payment-details")
            return self.render_preview(request, error=str(error))
        self.checkout_session.forget_card_token()
        return self.handle_successful_order(placement.order)
