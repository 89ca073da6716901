from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from oscar.apps.basket.views import BasketAddView as OscarBasketAddView
from oscar.core.loading import get_model

from commerce.basket.vouchers import basket_voucher_apply, basket_voucher_remove
from commerce.core.errors import DomainError

Promotion = get_model("partner", "Promotion")


class BasketAddView(OscarBasketAddView):
    """Oscar's add-to-basket; a product hidden from the buyer is a 404, as on its page."""

    def get_form_kwargs(self):
        if not self.request.basket.strategy.is_visible(self.product):
            raise Http404("No product found")
        return super().get_form_kwargs()


class VoucherAddView(View):
    """A voucher code through the pricing engine (``pricing.promotions``):
    refused with the reason when it does not apply here."""

    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        return redirect("basket:summary")

    def post(self, request, *args, **kwargs):
        code = (request.POST.get("code") or "").strip()
        if not code:
            messages.error(request, _("Please enter a voucher code"))
            return redirect(reverse("basket:summary") + "#voucher")
        try:
            promotion = basket_voucher_apply(
                request.basket,
                code,
                channel=request.channel,
                user=request.user,
                company=getattr(request, "company", None),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.info(request, _("Voucher %(code)s applied.") % {"code": promotion.code})
        return redirect("basket:summary")


class VoucherRemoveView(View):
    """Remove a voucher code (``pk`` is the promotion's)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        code = (
            Promotion.objects.filter(pk=kwargs["pk"]).values_list("code", flat=True).first() or ""
        )
        if basket_voucher_remove(request.basket, code):
            messages.info(request, _("Voucher %(code)s removed.") % {"code": code})
        return redirect("basket:summary")
