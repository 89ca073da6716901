"""Share the basket, someone else pays: the requester's pages (share, list,
cancel). The payer's link is in ``payer_views``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView
from oscar.core.loading import get_class, get_model

from commerce.basket import sharing
from commerce.order.exceptions import CheckoutError

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
