"""``/api/dealers/`` (the storefront's locator) and ``/api/dealer/...`` (a dealer's
orders and stock, on the portal with a dealer member's token)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response

from commerce.api.serializers.dealers import (
    DealerOrderFilter,
    DealerOrderSerializer,
    LocatorQuerySerializer,
    NearbyDealerSerializer,
    RejectSerializer,
    ShipSerializer,
    StockItemSerializer,
)
from commerce.api.views.base import ApiGenericView, ApiListView, ApiView
from commerce.dealers import selectors, services


class DealerLocatorView(ApiView):
    """Dealers serving a postcode, nearest first, and whether they stock the product."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[LocatorQuerySerializer], responses=NearbyDealerSerializer(many=True))
    def get(self, request):
        query = LocatorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.dealers_near(
            country=query.validated_data["country"],
            postcode=query.validated_data["postcode"],
            product_id=query.validated_data.get("product"),
        )
        return Response(NearbyDealerSerializer(found, many=True).data)


class DealerMixin:
    storefront_allowed = False

    @property
    def dealer(self):
        if not hasattr(self, "_dealer"):
            self._dealer = selectors.dealer_for(self.site_request.membership)
        return self._dealer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "dealer": self.dealer}

    def routing(self, number: str):
        routing = selectors.dealer_order(self.dealer, number)
        if routing is None:
            raise Http404("No such order.")
        return routing

    def answer(self, number: str):
        return Response(
            DealerOrderSerializer(self.routing(number), context={"dealer": self.dealer}).data
        )


class DealerOrderListView(DealerMixin, ApiListView):
    serializer_class = DealerOrderSerializer

    def get_queryset(self):
        query = DealerOrderFilter(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.dealer_orders(self.dealer, query.validated_data.get("status"))


class DealerOrderDetailView(DealerMixin, ApiGenericView):
    serializer_class = DealerOrderSerializer

    def get(self, request, number: str):
        return self.answer(number)


class DealerOrderActionView(DealerMixin, ApiGenericView):
    """accept / reject {reason} / ship {carrier, tracking_number} / delivered."""

    serializer_class = DealerOrderSerializer
    action = ""

    def post(self, request, number: str):
        order = self.routing(number).order
        actor = request.user
        if self.action == "accept":
            services.dealer_offer_accept(order=order, dealer=self.dealer, actor=actor)
        elif self.action == "reject":
            body = RejectSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.dealer_offer_reject(
                order=order, dealer=self.dealer, reason=body.validated_data["reason"], actor=actor
            )
            return Response({"number": number, "status": "rejected"})
        elif self.action == "ship":
            body = ShipSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.dealer_order_ship(
                order=order, dealer=self.dealer, actor=actor, **body.validated_data
            )
        elif self.action == "delivered":
            services.dealer_order_delivered(order=order, dealer=self.dealer, actor=actor)
        return self.answer(number)


class DealerStockView(DealerMixin, ApiGenericView):
    """Set the dealer's stock: ``[{"sku", "quantity"}]``; all or nothing."""

    serializer_class = StockItemSerializer

    @extend_schema(request=StockItemSerializer(many=True))
    def post(self, request):
        body = StockItemSerializer(data=request.data, many=True, allow_empty=False)
        body.is_valid(raise_exception=True)
        count = services.dealer_stock_set(dealer=self.dealer, items=body.validated_data)
        return Response({"updated": count})
