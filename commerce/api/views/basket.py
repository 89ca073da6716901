"""``/api/basket/lines/``: the caller's basket (personal on the storefront,
the active company's on the portal), changed with Oscar's own basket forms."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from oscar.core.loading import get_class, get_model
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts import policy
from commerce import sites
from commerce.api.context import basket_of
from commerce.api.errors import ApiError
from commerce.api.selectors import products_for
from commerce.api.serializers.catalog import (
    BasketLineCreateSerializer,
    BasketLineSerializer,
    BasketLineUpdateSerializer,
)
from commerce.api.views.base import ApiGenericView, ApiListView, ApiView
from commerce.basket.vouchers import basket_voucher_apply, basket_voucher_remove
from commerce.core.money import ZERO, quantize
from commerce.shipping.repository import methods_for

AddToBasketForm = get_class("basket.forms", "AddToBasketForm")
BasketLineForm = get_class("basket.forms", "BasketLineForm")
Promotion = get_model("partner", "Promotion")


class VoucherSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)


def _refused(form, product, strategy) -> ApiError:
    """Why a basket form said no, as an API error."""
    messages = [str(m) for errors in form.errors.values() for m in errors]
    info = strategy.fetch_for_product(product)
    code = "out_of_stock" if not info.availability.is_available_to_buy else "validation_error"
    return ApiError(
        " ".join(messages) or "That quantity cannot be ordered.",
        code=code,
        status_code=409 if code == "out_of_stock" else 400,
        details={"quantity": messages},
    )


class BasketLinesView(ApiListView):
    required_action = policy.Action.PLACE_ORDER
    serializer_class = BasketLineSerializer

    def get_queryset(self):
        basket = basket_of(self.request)
        return list(basket.all_lines()) if basket.pk else []

    @extend_schema(request=BasketLineCreateSerializer, responses={201: BasketLineSerializer})
    def post(self, request):
        data = BasketLineCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = products_for(self.site_request).filter(pk=data.validated_data["product"]).first()
        if product is None:
            raise ApiError(
                "No such product.",
                code="validation_error",
                details={"product": ["No such product."]},
            )
        quantity = data.validated_data["quantity"]
        with transaction.atomic():
            basket = basket_of(request)
            if basket.pk is None:
                basket.save()
            form = AddToBasketForm(basket, product, data={"quantity": quantity})
            if not form.is_valid():
                raise _refused(form, product, basket.strategy)
            line, _created = basket.add_product(form.product, quantity)
        basket.reset_offer_applications()
        line = next(x for x in basket.all_lines() if x.pk == line.pk)
        return Response(self.get_serializer(line).data, status=status.HTTP_201_CREATED)


class BasketLineView(ApiGenericView):
    required_action = policy.Action.PLACE_ORDER
    serializer_class = BasketLineSerializer

    def line(self, pk):
        basket = basket_of(self.request)
        for line in basket.all_lines() if basket.pk else []:
            if line.pk == pk:
                return basket, line
        raise Http404("No such basket line.")

    def get(self, request, pk: int):
        _basket, line = self.line(pk)
        return Response(self.get_serializer(line).data)

    @extend_schema(request=BasketLineUpdateSerializer, responses={200: BasketLineSerializer})
    def patch(self, request, pk: int):
        data = BasketLineUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        basket, line = self.line(pk)
        with transaction.atomic():
            form = BasketLineForm(
                basket.strategy, instance=line, data={"quantity": data.validated_data["quantity"]}
            )
            if not form.is_valid():
                raise _refused(form, line.product, basket.strategy)
            form.save()
        basket.reset_offer_applications()
        basket._lines = None
        _basket, line = self.line(pk)
        return Response(self.get_serializer(line).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        _basket, line = self.line(pk)
        line.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


def _money(value) -> str:
    return f"{quantize(value):f}"


def basket_totals(basket, channel: str, method_code: str | None = None) -> dict:
    """The basket's totals as the engine prices them, with the delivery the
    buyer would get by default (or ``method_code``), both excl. and incl. VAT:
    ``lines + shipping (excl. VAT) + tax = total``."""
    methods = methods_for(channel)
    method = next((m for m in methods if m.code == method_code), None) if method_code else None
    if method_code and method is None:
        raise ApiError(
            f"Unknown shipping method '{method_code}'.",
            code="validation_error",
            details={"shipping_method": [f"Choose one of {', '.join(m.code for m in methods)}."]},
        )
    method = method or methods[0]
    lines = list(basket.all_lines()) if basket.pk else []
    currency = basket.currency or settings.OSCAR_DEFAULT_CURRENCY
    lines_excl = lines_incl = ZERO
    saved: dict[str, Decimal] = {}
    for line in lines:
        quote = getattr(line.purchase_info.price, "quote", None)
        if quote is None or not quote.exists:
            continue
        lines_excl += quote.unit_net * line.quantity
        lines_incl += quote.unit_gross * line.quantity
        if quote.promotion_code and quote.undiscounted_net is not None:
            saved[quote.promotion_code] = (
                saved.get(quote.promotion_code, ZERO)
                + (quote.undiscounted_net - quote.unit_net) * line.quantity
            )
    if lines:
        charge = method.calculate(basket)
        shipping_excl, shipping_incl = charge.excl_tax, charge.incl_tax
    else:
        shipping_excl = shipping_incl = ZERO
    total_excl = lines_excl + shipping_excl
    total_incl = lines_incl + shipping_incl
    names = dict(
        Promotion.objects.filter(code__in=basket.voucher_codes or []).values_list("code", "name")
    )
    return {
        "currency": currency,
        "prices_include_tax": sites.prices_include_tax(channel),
        "shipping_method": method.code,
        "lines_excl_tax": _money(lines_excl),
        "lines_incl_tax": _money(lines_incl),
        "shipping_excl_tax": _money(shipping_excl),
        "shipping_incl_tax": _money(shipping_incl),
        "tax": _money(total_incl - total_excl),
        "total_excl_tax": _money(total_excl),
        "total_incl_tax": _money(total_incl),
        "vouchers": [
            {
                "code": code,
                "name": names.get(code, ""),
                "discount_excl_tax": _money(saved.get(code, ZERO)),
            }
            for code in basket.voucher_codes or []
        ],
        "lines": BasketLineSerializer(lines, many=True).data,
    }


class BasketView(ApiView):
    """``GET /api/basket/``: the caller's basket and its totals."""

    required_action = policy.Action.PLACE_ORDER

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        basket = basket_of(request)
        return Response(
            basket_totals(basket, self.site_request.channel, request.GET.get("shipping_method"))
        )


class BasketVouchersView(ApiView):
    """``POST /api/basket/vouchers/ {"code"}``: apply a voucher (404 ``not_found``,
    400 ``voucher_invalid`` with the reason); answers the basket's totals."""

    required_action = policy.Action.PLACE_ORDER

    @extend_schema(request=VoucherSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        data = VoucherSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        site = self.site_request
        basket = basket_of(request)
        basket_voucher_apply(
            basket,
            data.validated_data["code"],
            channel=site.channel,
            user=request.user,
            company=site.company,
        )
        return Response(basket_totals(basket, site.channel))


class BasketVoucherView(ApiView):
    """``DELETE /api/basket/vouchers/{code}/``: remove a voucher."""

    required_action = policy.Action.PLACE_ORDER

    @extend_schema(responses={204: None})
    def delete(self, request, code: str):
        if not basket_voucher_remove(basket_of(request), code):
            raise Http404("No such voucher on your basket.")
        return Response(status=status.HTTP_204_NO_CONTENT)
