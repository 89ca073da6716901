"""Storefront checkout: Oscar's steps, with card payment through the gateway
interface and the order placed by the one order pipeline."""

import logging
import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition

from commerce.billing import credit
from commerce.checkout.forms import CardForm, InstalmentChoiceForm
from commerce.checkout.placement import order_place
from commerce.checkout.preview import household_preview, instalment_options
from commerce.checkout.request import storefront_request, tokenize_card
from commerce.core import attribution
from commerce.dealers import selectors as dealer_selectors
from commerce.order.exceptions import CheckoutError
from commerce.order.models import PaymentMethod
from commerce.payments.gateway import PaymentError

logger = logging.getLogger(__name__)


@method_decorator(sensitive_post_parameters("number", "cvc", "expiry"), name="dispatch")
class PaymentDetailsView(oscar_views.PaymentDetailsView):
    """Card details -> token (kept in the session) -> preview -> place order."""

    def chosen_method(self) -> str:
        return self.checkout_session._get("payment", "method") or PaymentMethod.CARD

    def chosen_instalments(self) -> int:
        if self.chosen_method() != PaymentMethod.INSTALMENTS:
            return 0
        return int(self.checkout_session._get("payment", "instalments") or 0)

    def instalment_options(self, basket):
        address = self.get_shipping_address(basket)
        return instalment_options(
            basket,
            channel=self.request.channel,
            user=self.request.user,
            method=self.get_shipping_method(basket, address),
        )

    def check_payment_data_is_captured(self, request):
        if self.chosen_method() == PaymentMethod.PAY_LATER:
            if not credit.pay_later_available(request.user):
                self.checkout_session._set("payment", "method", PaymentMethod.CARD)
                raise FailedPreCondition(
                    url=reverse("checkout:payment-details"),
                    message="Paying later is no longer available; please pay by card.",
                )
            return
        if not self.checkout_session._get("payment", "card_token"):
            raise FailedPreCondition(
                url=reverse("checkout:payment-details"), message="Please enter your card details."
            )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("card_form", CardForm())
        context["card_label"] = self.checkout_session._get("payment", "card_label")
        context["pay_later"] = self.chosen_method() == PaymentMethod.PAY_LATER
        context["pay_later_available"] = credit.pay_later_available(self.request.user)
        options = self.instalment_options(self.request.basket)
        context["instalment_options"] = options
        context.setdefault("instalment_form", InstalmentChoiceForm(options=options))
        chosen = self.chosen_instalments()
        context["instalment_plan"] = next((o for o in options if o.count == chosen), None)
        if self.preview:
            context["idempotency_key"] = uuid.uuid4().hex
            total = context.get("order_total")
            context["expected_total"] = getattr(total, "incl_tax", None)
            context["household"] = household_preview(self.request.user, total)
            address = context.get("shipping_address")
            if address is not None:
                context["delivered_by"] = dealer_selectors.dealer_preview(
                    lines=self.request.basket.all_lines(),
                    country=getattr(address, "country_id", "") or "",
                    postcode=address.postcode or "",
                )
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
            self.checkout_session._set("payment", "method", PaymentMethod.PAY_LATER)
            return redirect("checkout:preview")
        form = CardForm(request.POST)
        plans = InstalmentChoiceForm(request.POST, options=self.instalment_options(request.basket))
        valid = [form.is_valid(), plans.is_valid()]  # both, to show every error
        if not all(valid):
            return self.render_payment_details(request, card_form=form, instalment_form=plans)
        try:
            card = tokenize_card(form)
        except PaymentError as error:
            form.add_error(None, str(error))
            return self.render_payment_details(request, card_form=form, instalment_form=plans)
        self.checkout_session._set("payment", "card_token", card.token)
        self.checkout_session._set("payment", "card_label", card.label)
        count = plans.cleaned_data["instalments"]
        self.checkout_session._set(
            "payment", "method", PaymentMethod.INSTALMENTS if count else PaymentMethod.CARD
        )
        self.checkout_session._set("payment", "instalments", count)
        return redirect("checkout:preview")

    def handle_place_order_submission(self, request):
        basket = request.basket
        shipping_address = self.get_shipping_address(basket)
        method = self.get_shipping_method(basket, shipping_address)
        checkout = storefront_request(
            channel=request.channel,
            user=request.user if request.user.is_authenticated else None,
            guest_email=self.checkout_session.get_guest_email(),
            shipping_address=shipping_address,
            shipping_method_code=method.code if method else "",
            payment_method=self.chosen_method(),
            card_token=self.checkout_session._get("payment", "card_token"),
            expected_total=request.POST.get("expected_total"),
            source=attribution.snapshot(request),
            instalments=self.chosen_instalments(),
        )
        key = request.POST.get("idempotency_key", "")[:64] or None
        try:
            placement = order_place(basket=basket, request=checkout, idempotency_key=key)
        except (CheckoutError, PaymentError) as error:
            logger.info("Checkout refused for basket %s: %s", basket.pk, error)
            if isinstance(error, PaymentError):
                self.checkout_session._unset("payment", "card_token")
                messages.error(request, str(error))
                return redirect("checkout:payment-details")
            return self.render_preview(request, error=str(error))
        self.checkout_session._unset("payment", "card_token")
        return self.handle_successful_order(placement.order)
