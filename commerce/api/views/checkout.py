"""``POST /api/checkout/``: the basket becomes an order, through the one
order pipeline (``commerce.checkout.placement``), at most once per
``Idempotency-Key``."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from oscar.core.loading import get_model
from rest_framework import status
from rest_framework.response import Response

from accounts import addresses, policy
from accounts.addresses import ShipTo
from accounts.exceptions import ShipToUnknown
from commerce.api import idempotency
from commerce.api.context import basket_of
from commerce.api.errors import ApiError
from commerce.api.serializers.checkout import CheckoutSerializer
from commerce.api.serializers.orders import OrderSerializer
from commerce.api.views.base import ApiView
from commerce.api.views.orders import order_with_details
from commerce.checkout.placement import order_place
from commerce.checkout.request import api_request
from commerce.checkout.ship_to import one_off_address_record
from commerce.core import attribution
from commerce.quotes import selectors as quote_selectors
from commerce.quotes.services import quote_order_place
from commerce.shipping.repository import methods_for

Country = get_model("address", "Country")


def with_country(fields: dict) -> dict:
    """``fields`` with ``country`` a Country (the API takes an ISO code)."""
    if not hasattr(fields["country"], "pk"):
        country = Country.objects.filter(iso_3166_1_a2=str(fields["country"]).upper()).first()
        if country is None:
            raise ApiError(
                "Unknown country.",
                code="validation_error",
                details={"shipping_address": {"country": ["Unknown country code."]}},
            )
        fields["country"] = country
    return fields


class CheckoutView(ApiView):
    required_action = policy.Action.PLACE_ORDER
    endpoint = "checkout"

    def ship_to(self, data) -> ShipTo | None:
        """For a company order, where it may go (the one ship-to rule); None on the storefront."""
        company = self.site_request.company
        if company is None:
            if data.get("ship_to"):
                raise ApiError(
                    "ship_to is for business orders on the portal.",
                    code="validation_error",
                    details={"ship_to": ["Use shipping_address."]},
                )
            return None
        try:
            return addresses.ship_to_for_order(
                company=company,
                address_id=data.get("ship_to"),
                address=data.get("shipping_address"),
            )
        except ShipToUnknown as error:
            field = data.get("ship_to_field", "shipping_address")
            raise ApiError(
                str(error), code="validation_error", details={field: [str(error)]}
            ) from error

    def quote(self, data):
        """The accepted quote to order (``quote``), or None: one of the active company's."""
        if not data.get("quote"):
            return None
        quote = quote_selectors.quote_for_member(self.site_request.membership, data["quote"])
        if quote is None or self.site_request.company is None:
            raise ApiError("No such quote.", code="not_found", status_code=404)
        return quote

    def checkout_request(self, data, ship_to: ShipTo | None):
        site = self.site_request
        if ship_to is not None:
            ship_to = ShipTo(fields=with_country(dict(ship_to.fields)), address=ship_to.address)
        else:
            data = {**data, "shipping_address": with_country(dict(data["shipping_address"]))}
        if not data["shipping_method"]:
            data = {**data, "shipping_method": methods_for(site.channel)[0].code}
        return api_request(
            site=site,
            user=self.request.user,
            data=data,
            ship_to=ship_to,
            source=attribution.snapshot(self.request._request),
        )

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
        body = CheckoutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = self.quote(body.validated_data)
        ship_to = self.ship_to(body.validated_data)
        checkout = self.checkout_request(body.validated_data, ship_to)
        fingerprint = idempotency.request_hash(self.endpoint, request.data) if key else None
        if quote is not None:
            placement = quote_order_place(
                quote=quote, request=checkout, idempotency_key=key, fingerprint=fingerprint
            )
        else:
            placement = order_place(
                basket=basket_of(request),
                request=checkout,
                idempotency_key=key,
                fingerprint=fingerprint,
            )
        if ship_to is not None and not placement.replayed:
            one_off_address_record(order=placement.order, ship_to=ship_to, actor=request.user)
        data = OrderSerializer(order_with_details(placement.order)).data
        headers = {"Idempotent-Replayed": "true"} if placement.replayed else None
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)
