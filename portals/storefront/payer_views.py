"""Share the basket, someone else pays: the payer's link (confirm who they
are, review, change, pay or decline). The requester's pages are in
``share_views``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from oscar.core.loading import get_class, get_model

from accounts.addresses import order_address_fields
from commerce import sites
from commerce.basket import sharing
from commerce.checkout import doors
from commerce.checkout.forms import CardForm
from commerce.checkout.preview import checkout_preview
from commerce.checkout.request import tokenize_card
from commerce.order.exceptions import CheckoutError

BasketShare = get_model("basket", "BasketShare")
UserAddress = get_model("address", "UserAddress")
ShippingAddressForm = get_class("checkout.forms", "ShippingAddressForm")


class PayerMixin:
    """Resolve the link, and answer 404 / 410 / 403 pages when it cannot be used."""

    def dispatch(self, request, token, *args, **kwargs):
        self.token = token
        try:
            self.share = sharing.share_from_token(token)
            self.access = sharing.share_access(
                self.share, user=request.user, session=request.session
            )
        except sharing.LinkUsed as error:
            if self.share.status == BasketShare.Status.PAID and sharing.is_payer(
                self.share, user=request.user, session=request.session
            ):
                return render(request, "storefront/share/paid.html", {"share": self.share})
            return self.refuse(request, error)
        except sharing.ShareError as error:
            return self.refuse(request, error)
        return super().dispatch(request, *args, **kwargs)

    def refuse(self, request, error):
        return render(
            request, "storefront/share/refused.html", {"message": str(error)}, status=error.status
        )

    def unconfirmed(self, request):
        """The refusal for a visitor not yet confirmed as the payer, or None."""
        if self.access.allowed:
            return None
        return self.refuse(request, sharing.NotThePayer("Confirm who you are first."))

    def back(self):
        return redirect("storefront:share-pay", token=self.token)


def _initial_address(user) -> dict:
    address = (
        UserAddress.objects.filter(user=user)
        .order_by("-is_default_for_shipping", "pk")
        .select_related("country")
        .first()
    )
    return order_address_fields(address)


@method_decorator(sensitive_post_parameters("number", "cvc", "expiry"), name="dispatch")
class SharePayView(PayerMixin, View):
    """The payer's page: confirm who they are, then review, change and pay."""

    def get(self, request):
        if not self.access.allowed:
            return self.confirm_page(request)
        return self.pay_page(request)

    def confirm_page(self, request, status=200):
        return render(
            request,
            "storefront/share/confirm.html",
            {
                "share": self.share,
                "token": self.token,
                "login_url": f"{reverse('customer:login')}?next={request.path}",
                "code_sent": bool(self.share.code_hash),
            },
            status=status,
        )

    def pay_page(self, request, address_form=None, card_form=None, error=None, status=200):
        basket = sharing.priced_basket(self.share)
        options = checkout_preview(basket, channel=sites.STOREFRONT).options
        return render(
            request,
            "storefront/share/pay.html",
            {
                "share": self.share,
                "token": self.token,
                "basket": basket,
                "lines": basket.all_lines(),
                "options": options,
                "chosen_method": request.POST.get("shipping_method") or options[0]["method"].code,
                "address_form": address_form
                or ShippingAddressForm(initial=_initial_address(self.share.requester)),
                "card_form": card_form or CardForm(),
                "error": error,
            },
            status=status,
        )

    def post(self, request):
        if not self.access.allowed:
            return self.confirm_page(request, status=403)
        address_form = ShippingAddressForm(request.POST)
        card_form = CardForm(request.POST)
        if not (address_form.is_valid() and card_form.is_valid()):
            return self.pay_page(request, address_form, card_form, status=400)
        method = request.POST.get("shipping_method", "")
        try:
            sharing.share_pay(
                share=self.share,
                shipping_address=order_address_fields(address_form.instance),
                shipping_method_code=method,
                card_token=tokenize_card(card_form).token,
                expected_total=doors.posted_expected_total(request.POST, method),
            )
        except sharing.LinkUsed as error:
            return self.refuse(request, error)
        except doors.REFUSALS as error:
            return self.pay_page(request, address_form, CardForm(), error=str(error), status=400)
        return self.back()


class ShareCodeView(PayerMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        try:
            sharing.share_send_code(share=self.share)
        except sharing.ShareError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"We emailed a code to {self.share.payer_email}.")
        return self.back()


class ShareConfirmView(PayerMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        try:
            sharing.share_confirm_code(
                share=self.share, code=request.POST.get("code", "")[:12], session=request.session
            )
        except sharing.ShareError as error:
            messages.error(request, str(error))
        return self.back()


class ShareLinesView(PayerMixin, View):
    """The payer changes quantities (0 removes a line)."""

    http_method_names = ["post"]

    def post(self, request):
        if refused := self.unconfirmed(request):
            return refused
        quantities = {}
        for name, value in request.POST.items():
            if not name.startswith("quantity-"):
                continue
            try:
                quantities[int(name.removeprefix("quantity-"))] = int(value)
            except ValueError:
                messages.error(request, "Quantities are whole numbers.")
                return self.back()
        try:
            changed = sharing.share_update_lines(share=self.share, quantities=quantities)
        except sharing.LinkUsed as error:
            return self.refuse(request, error)
        except CheckoutError as error:
            messages.error(request, str(error))
        else:
            if changed:
                messages.success(request, "Basket updated.")
        return self.back()


class ShareDeclineView(PayerMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if refused := self.unconfirmed(request):
            return refused
        try:
            sharing.share_decline(share=self.share)
        except sharing.ShareError as error:
            return self.refuse(request, error)
        return render(request, "storefront/share/declined.html", {"share": self.share})
