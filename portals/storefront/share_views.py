"""Share the basket, someone else pays: the requester's pages (share, list,
cancel) and the payer's link (confirm who they are, review, change, pay or
decline)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import ListView
from oscar.core.loading import get_class, get_model

from accounts.addresses import order_address_fields
from commerce import sites
from commerce.basket import sharing
from commerce.checkout.forms import CardForm
from commerce.checkout.preview import checkout_preview
from commerce.checkout.request import tokenize_card
from commerce.order.exceptions import CheckoutError
from commerce.payments.gateway import PaymentError

BasketShare = get_model("basket", "BasketShare")
UserAddress = get_model("address", "UserAddress")
ShippingAddressForm = get_class("checkout.forms", "ShippingAddressForm")


class ShareForm(forms.Form):
    payer_email = forms.EmailField(
        label=_("Who should pay?"), help_text=_("We email them a link to your basket.")
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ShareCreateView(LoginRequiredMixin, View):
    template_name = "storefront/share/create.html"

    def get(self, request):
        # ``?payer=`` prefills who pays (a household member asking its owner).
        try:
            payer = forms.EmailField(required=False).clean(request.GET.get("payer", "")[:254])
        except forms.ValidationError:
            payer = ""
        return self.show(request, ShareForm(initial={"payer_email": payer} if payer else None))

    def show(self, request, form, status=200):
        return render(
            request, self.template_name, {"form": form, "basket": request.basket}, status=status
        )

    def post(self, request):
        form = ShareForm(request.POST)
        if not form.is_valid():
            return self.show(request, form, status=400)
        try:
            share = sharing.basket_share(
                basket=request.basket,
                requester=request.user,
                payer_email=form.cleaned_data["payer_email"],
                message=form.cleaned_data["message"],
            )
        except CheckoutError as error:
            form.add_error(None, str(error))
            return self.show(request, form, status=400)
        messages.success(
            request,
            f"We emailed {share.payer_email} a link to pay for your basket. "
            "You can carry on shopping with a new basket.",
        )
        return redirect("storefront:share-list")


class ShareListView(LoginRequiredMixin, ListView):
    template_name = "storefront/share/list.html"
    context_object_name = "shares"
    paginate_by = 20

    def get_queryset(self):
        return BasketShare.objects.filter(requester=self.request.user).select_related("order")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Shared baskets"), active_tab="shares", **kwargs
        )


class ShareCancelView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        share = get_object_or_404(BasketShare, pk=pk, requester=request.user)
        try:
            sharing.share_cancel(share=share, requester=request.user)
        except CheckoutError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, "The link no longer works; the items are back in your basket."
            )
        return redirect("storefront:share-list")


# --- the payer -----------------------------------------------------------------------------


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
                expected_total=request.POST.get(f"expected_total_{method}"),
            )
        except sharing.LinkUsed as error:
            return self.refuse(request, error)
        except (CheckoutError, PaymentError) as error:
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
        if not self.access.allowed:
            return self.refuse(request, sharing.NotThePayer("Confirm who you are first."))
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
        if not self.access.allowed:
            return self.refuse(request, sharing.NotThePayer("Confirm who you are first."))
        try:
            sharing.share_decline(share=self.share)
        except sharing.ShareError as error:
            return self.refuse(request, error)
        return render(request, "storefront/share/declined.html", {"share": self.share})
