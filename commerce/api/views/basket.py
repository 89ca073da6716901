"""``/api/basket/lines/``: the caller's basket (personal on the storefront,
the active company's on the portal), changed with Oscar's own basket forms."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema
from oscar.core.loading import get_class
from rest_framework import status
from rest_framework.response import Response

from accounts import policy
from commerce.api.context import basket_of
from commerce.api.errors import ApiError
from commerce.api.selectors import products_for
from commerce.api.serializers.catalog import (
    BasketLineCreateSerializer,
    BasketLineSerializer,
    BasketLineUpdateSerializer,
)
from commerce.api.views.base import ApiGenericView, ApiListView

AddToBasketForm = get_class("basket.forms", "AddToBasketForm")
BasketLineForm = get_class("basket.forms", "BasketLineForm")


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
