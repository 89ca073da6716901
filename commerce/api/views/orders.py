"""``/api/orders/``: the caller's storefront orders, or the active company's."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from oscar.core.loading import get_model
from rest_framework.response import Response

from accounts import policy
from commerce import sites
from commerce.api.serializers.orders import OrderSerializer
from commerce.api.views.base import ApiGenericView, ApiListView
from commerce.order import selectors

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
