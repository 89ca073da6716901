"""The portal's one-page checkout: ship-to, delivery, PO, date, notes, payment
on account or by card; the order goes through the one order pipeline."""

import uuid
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from accounts import addresses, policy
from accounts.exceptions import AccountsError
from commerce.approvals import rules as approval_rules
from commerce.billing import credit
from commerce.checkout.placement import ADDRESS_FIELDS, CheckoutRequest, order_place, totals
from commerce.order.exceptions import CheckoutError
from commerce.order.models import PaymentMethod
from commerce.payments.gateway import PaymentError, get_gateway
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

    def methods(self, basket):
        return methods_for("portal")

    def account(self, request):
        if not hasattr(self, "_account"):
            self._account = credit.account_for_company(request.company)
        return self._account

    def context(self, request, form, card_form, error=None):
        basket = request.basket
        account = self.account(request)
        options = []
        for method in self.methods(basket):
            charge, total = totals(basket, method)
            options.append({"method": method, "charge": charge, "total": total})
        return {
            "form": form,
            "card_form": card_form,
            "basket": basket,
            "options": options,
            "error": error,
            "company": request.company,
            "credit": credit.standing(account)
            if account is not None and account.is_active
            else None,
            # Said before submission: the same evaluation placement makes.
            "approval": approval_rules.evaluate(
                company=request.company,
                membership=request.membership,
                total_net=basket.total_excl_tax,
                product_ids=[line.product_id for line in basket.all_lines()],
            ),
        }

    def make_form(self, request, data=None):
        return PortalCheckoutForm(
            data,
            company=request.company,
            methods=self.methods(request.basket),
            payment_choices=payment_choices(self.account(request)),
            initial={"idempotency_key": uuid.uuid4().hex},
        )

    def get(self, request):
        if request.basket.is_empty:
            messages.info(request, "Your basket is empty.")
            return redirect("basket:summary")
        form = self.make_form(request)
        return render(request, self.template_name, self.context(request, form, OptionalCardForm()))

    def post(self, request):
        form = self.make_form(request, request.POST)
        card_form = OptionalCardForm(request.POST)
        paying_by_card = request.POST.get("payment_method") == PaymentMethod.CARD
        if not form.is_valid() or (paying_by_card and not card_form.is_valid()):
            return render(
                request, self.template_name, self.context(request, form, card_form), status=400
            )
        data = form.cleaned_data
        token = ""
        if paying_by_card:
            month, year = card_form.expiry_parts()
            try:
                token = (
                    get_gateway()
                    .tokenize(
                        number=card_form.cleaned_data["number"],
                        exp_month=month,
                        exp_year=year,
                        cvc=card_form.cleaned_data["cvc"],
                    )
                    .token
                )
            except PaymentError as error:
                card_form.add_error(None, str(error))
                return render(
                    request, self.template_name, self.context(request, form, card_form), status=400
                )
        try:  # the one ship-to rule, as for the API
            ship_to = addresses.ship_to_for_order(
                company=request.company, address_id=data["ship_to"].pk
            )
        except AccountsError as error:
            form.add_error("ship_to", str(error))
            return render(
                request, self.template_name, self.context(request, form, card_form), status=400
            )
        billing = request.company.addresses.filter(kind="bill_to", is_active=True).first()
        try:
            expected = Decimal(request.POST.get(f"expected_total_{data['shipping_method']}", ""))
        except InvalidOperation:
            expected = None
        checkout = CheckoutRequest(
            channel=request.channel,
            user=request.user,
            company=request.company,
            shipping_address=dict(ship_to.fields),
            billing_address=(
                {k: getattr(billing, k) for k in ADDRESS_FIELDS if hasattr(billing, k)}
                if billing
                else None
            ),
            shipping_method_code=data["shipping_method"],
            payment_method=data["payment_method"],
            card_token=token,
            po_number=data["po_number"],
            requested_delivery_date=data["requested_delivery_date"],
            notes=data["notes"],
            expected_total=expected,
        )
        try:
            placement = order_place(
                basket=request.basket, request=checkout, idempotency_key=data["idempotency_key"]
            )
        except (CheckoutError, PaymentError, policy.NotAllowed) as error:
            message = error.reason if isinstance(error, policy.NotAllowed) else str(error)
            return render(
                request,
                self.template_name,
                self.context(request, form, card_form, error=message),
                status=400,
            )
        order = placement.order
        messages.success(request, f"Order {order.number} placed.")
        return redirect("portal:order-detail", number=order.number)
