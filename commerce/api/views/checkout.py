"""``POST /api/checkout/``: the basket becomes an order, through the one
order pipeline (``commerce.checkout.placement``), at most once per
``Idempotency-Key``."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts import policy
from commerce.api import idempotency
from commerce.api.checkout import checkout_body
from commerce.api.context import basket_of
from commerce.api.serializers.checkout import CheckoutSerializer
from commerce.api.serializers.orders import OrderSerializer
from commerce.api.views.base import ApiView
from commerce.api.views.orders import order_with_details
from commerce.checkout.placement import order_place
from commerce.checkout.ship_to import one_off_address_record
from commerce.quotes.services import quote_order_place


class CheckoutView(ApiView):
    required_action = policy.Action.PLACE_ORDER
    endpoint = "checkout"

    @extend_schema(
        request=CheckoutSerializer,
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Retries with the same key and body get the same answer.",
            )
        ],
        responses={201: OrderSerializer},
    )
    def post(self, request):
        # No transaction here: the pipeline authorizes a card outside any
        # transaction and places the order in its own.
        key = idempotency.key_from(request)
        serializer = CheckoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = checkout_body(self.site_request, request, serializer.validated_data)
        once = {
            "idempotency_key": key,
            "fingerprint": idempotency.request_hash(self.endpoint, request.data) if key else None,
        }
        if body.quote is not None:
            placement = quote_order_place(quote=body.quote, request=body.request, **once)
        else:
            placement = order_place(basket=basket_of(request), request=body.request, **once)
        if body.ship_to is not None and not placement.replayed:
            one_off_address_record(order=placement.order, ship_to=body.ship_to, actor=request.user)
        data = OrderSerializer(order_with_details(placement.order)).data
        headers = {"Idempotent-Replayed": "true"} if placement.replayed else None
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)
