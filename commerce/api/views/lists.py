"""``/api/lists/``: the active company's shopping lists (the caller's own and
the shared ones); another company's list, or a colleague's personal one, is a 404."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts import policy
from commerce.api.context import basket_of
from commerce.api.errors import ApiError
from commerce.api.selectors import products_for
from commerce.api.serializers.lists import (
    ListCreateSerializer,
    ListDetailSerializer,
    ListLineCreateSerializer,
    ListLineSerializer,
    ListSerializer,
    ListUpdateSerializer,
    ToBasketSerializer,
)
from commerce.api.views.base import ApiGenericView, ApiListView
from commerce.core.money import quantize
from commerce.lists import selectors, services


def _money(value, currency) -> str | None:
    return None if value is None else str(quantize(value, currency))


class ListMixin:
    required_action = policy.Action.VIEW_CATALOG
    storefront_allowed = False

    def shopping_list(self, pk):
        found = selectors.list_for(self.site_request.membership, pk)
        if found is None:
            raise Http404("No such list.")
        return found

    def detail(self, shopping_list, code=status.HTTP_200_OK):
        data = ListDetailSerializer(
            shopping_list, context={"lines": selectors.lines_of(shopping_list)}
        ).data
        return Response(data, status=code)


class ListsView(ListMixin, ApiListView):
    serializer_class = ListSerializer

    def get_queryset(self):
        return selectors.lists_for(self.site_request.membership)

    @extend_schema(request=ListCreateSerializer, responses={201: ListDetailSerializer})
    def post(self, request):
        body = ListCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = services.list_create(
            membership=self.site_request.membership,
            name=body.validated_data["name"],
            shared=body.validated_data["shared"],
        )
        return self.detail(self.shopping_list(created.pk), status.HTTP_201_CREATED)


class ListView(ListMixin, ApiGenericView):
    serializer_class = ListDetailSerializer

    def get(self, request, pk: int):
        return self.detail(self.shopping_list(pk))

    @extend_schema(request=ListUpdateSerializer, responses={200: ListDetailSerializer})
    def patch(self, request, pk: int):
        shopping_list = self.shopping_list(pk)
        body = ListUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        schedule = {}
        if "replenish_every" in data:
            if data["replenish_every"] is None:
                schedule = {"replenish": False}
            else:
                schedule = {
                    "replenish_every": data["replenish_every"],
                    "replenish_unit": data.get("replenish_unit"),
                }
        services.list_update(
            shopping_list=shopping_list,
            membership=self.site_request.membership,
            name=data.get("name"),
            shared=data.get("shared"),
            **schedule,
        )
        return self.detail(self.shopping_list(pk))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.list_delete(
            shopping_list=self.shopping_list(pk), membership=self.site_request.membership
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ListLinesView(ListMixin, ApiGenericView):
    serializer_class = ListLineSerializer

    @extend_schema(request=ListLineCreateSerializer, responses={201: ListLineSerializer})
    def post(self, request, pk: int):
        shopping_list = self.shopping_list(pk)
        body = ListLineCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        product = products_for(self.site_request).filter(pk=data["product"]).first()
        if product is None:
            raise ApiError(
                "No such product.",
                code="validation_error",
                details={"product": ["No such product."]},
            )
        line = services.list_line_add(
            shopping_list=shopping_list,
            product=product,
            quantity=data["quantity"],
            note=data["note"],
        )
        return Response(ListLineSerializer(line).data, status=status.HTTP_201_CREATED)


class ListToBasketView(ListMixin, ApiGenericView):
    required_action = policy.Action.PLACE_ORDER
    serializer_class = ToBasketSerializer

    @extend_schema(request=None, responses={200: ToBasketSerializer})
    def post(self, request, pk: int):
        shopping_list = self.shopping_list(pk)
        result = services.list_to_basket(shopping_list=shopping_list, basket=basket_of(request))
        added = [
            {
                "product": item.product.pk,
                "sku": item.product.upc,
                "title": item.product.get_title(),
                "quantity": item.quantity,
                "unit_price": _money(item.quote.unit_display, item.quote.currency),
                "currency": item.quote.currency,
                "reason": item.quote.reason,
            }
            for item in result.added
        ]
        problems = [
            {
                "product": item.product.pk,
                "sku": item.product.upc,
                "title": item.product.get_title(),
                "quantity": item.quantity,
                "reason": item.reason,
            }
            for item in result.problems
        ]
        return Response(
            {
                "basket_lines": result.basket.lines.count(),
                "added": added,
                "problems": problems,
            }
        )
