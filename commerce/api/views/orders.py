"""``/api/orders/``: the caller's storefront orders, or the active company's."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from oscar.core.loading import get_model
from rest_framework.response import Response

from accounts import policy
from commerce import sites
from commerce.api import idempotency
from commerce.api.serializers.orders import OrderEditSerializer, OrderSerializer
from commerce.api.views.base import ApiGenericView, ApiListView
from commerce.order import selectors
from commerce.orderedit.services import OrderChanges, order_edit

Order = get_model("order", "Order")
Line = get_model("order", "Line")
OrderStatusChange = get_model("order", "OrderStatusChange")


def with_details(orders):
    """What the order shape needs, loaded for a whole page at once."""
    return orders.select_related(
        "user", "placed_by_staff", "dealer_routing__dealer__company", "instalment_plan"
    ).prefetch_related(
        Prefetch("lines", queryset=Line.objects.order_by("pk")),
        "instalment_plan__instalments",
        Prefetch(
            "status_changes", queryset=OrderStatusChange.objects.order_by("date_created", "pk")
        ),
    )


def order_with_details(order):
    return with_details(Order.objects.filter(pk=order.pk)).get()


def orders_for(request):
    """The company's orders on the portal; the person's storefront orders there."""
    site = request._request
    if site.channel == sites.PORTAL:
        return selectors.company_orders(site.company)
    return Order.objects.filter(user=request.user, site_id=settings.STOREFRONT_SITE_ID).order_by(
        "-date_placed", "-pk"
    )


class OrderListView(ApiListView):
    serializer_class = OrderSerializer
    required_action = policy.Action.VIEW_ORDERS

    def get_queryset(self):
        return with_details(orders_for(self.request))


class OrderDetailView(ApiGenericView):
    serializer_class = OrderSerializer
    required_action = policy.Action.VIEW_ORDERS

    @extend_schema(responses=OrderSerializer)
    def get(self, request, number: str):
        order = with_details(orders_for(request)).filter(number=number).first()
        if order is None:
            raise Http404("No such order.")
        return Response(self.get_serializer(order).data)

    @extend_schema(
        request=OrderEditSerializer,
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Retries with the same key and body get the same answer.",
            )
        ],
        responses=OrderSerializer,
    )
    def patch(self, request, number: str):
        """Edit an order before it ships (``commerce.orderedit``): the buyer
        who placed it or a company admin, while it waits for approval."""
        # No transaction here: the edit authorises a card outside any transaction.
        key = idempotency.key_from(request)
        order = orders_for(request).filter(number=number).first()
        if order is None:
            raise Http404("No such order.")
        body = OrderEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = order_edit(
            order=order,
            changes=OrderChanges(
                quantities={item["id"]: item["quantity"] for item in data.get("lines", [])},
                additions=tuple(
                    (item["product"], item["quantity"]) for item in data.get("add", [])
                ),
                shipping_address_id=data.get("shipping_address"),
                card_token=data.get("card_token", ""),
                expected_total=data.get("expected_total"),
            ),
            actor=request.user,
            expected_version=data.get("expected_version"),
            idempotency_key=key,
        )
        headers = {"Idempotent-Replayed": "true"} if result.replayed else None
        return Response(self.get_serializer(order_with_details(result.order)).data, headers=headers)
