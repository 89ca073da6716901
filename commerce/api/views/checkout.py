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
from accounts.models import CompanyAddress
from commerce import sites
from commerce.api import idempotency
from commerce.api.context import basket_of
from commerce.api.errors import ApiError
from commerce.api.serializers.checkout import CheckoutSerializer
from commerce.api.serializers.orders import OrderSerializer
from commerce.api.views.base import ApiView
from commerce.api.views.orders import order_with_details
from commerce.checkout.placement import ADDRESS_FIELDS, CheckoutRequest, order_place
from commerce.checkout.ship_to import one_off_address_record
from commerce.shipping.repository import methods_for

Country = get_model("address", "Country")


def _address_fields(address) -> dict:
    return {k: getattr(address, k) for k in ADDRESS_FIELDS if hasattr(address, k)}


class CheckoutView(ApiView):
    required_action = policy.Action.PLACE_ORDER
    endpoint = "checkout"

    def ship_to(self, data) -> ShipTo | None:
        """For a company order, where it may go (the one ship-to rule); None on the storefront."""
        site = self.site_request
        if site.company is None:
            if data.get("ship_to"):
                raise ApiError(
                    "ship_to is for business orders on the portal.",
                    code="validation_error",
                    details={"ship_to": ["Use shipping_address."]},
                )
            return None
        field = data.get("ship_to_field", "shipping_address")
        try:
            return addresses.ship_to_for_order(
                company=site.company,
                address_id=data.get("ship_to"),
                address=data.get("shipping_address"),
            )
        except ShipToUnknown as error:
            raise ApiError(
                str(error), code="validation_error", details={field: [str(error)]}
            ) from error

    def checkout_request(self, data, ship_to: ShipTo | None) -> CheckoutRequest:
        site = self.site_request
        billing = None
        if ship_to is not None:
            shipping = dict(ship_to.fields)
        else:
            shipping = dict(data["shipping_address"])
        if not hasattr(shipping["country"], "pk"):
            country = Country.objects.filter(iso_3166_1_a2=shipping["country"].upper()).first()
            if country is None:
                raise ApiError(
                    "Unknown country.",
                    code="validation_error",
                    details={"shipping_address": {"country": ["Unknown country code."]}},
                )
            shipping["country"] = country
        if site.company is not None:
            bill_to = site.company.addresses.filter(
                kind=CompanyAddress.Kind.BILL_TO, is_active=True
            ).first()
            billing = _address_fields(bill_to) if bill_to else None
        method = data["shipping_method"] or methods_for(site.channel)[0].code
        return CheckoutRequest(
            channel=site.channel,
            user=self.request.user,
            company=site.company if site.channel == sites.PORTAL else None,
            shipping_address=shipping,
            billing_address=billing,
            shipping_method_code=method,
            payment_method=data["payment_method"],
            card_token=data["card_token"],
            po_number=data["po_number"],
            requested_delivery_date=data.get("requested_delivery_date"),
            notes=data["notes"],
            expected_total=data.get("expected_total"),
            refuse_if_approval_needed=data["if_approval_needed"] == "refuse",
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
        ship_to = self.ship_to(body.validated_data)
        checkout = self.checkout_request(body.validated_data, ship_to)
        placement = order_place(
            basket=basket_of(request),
            request=checkout,
            idempotency_key=key,
            fingerprint=idempotency.request_hash(self.endpoint, request.data) if key else None,
        )
        if ship_to is not None and not placement.replayed:
            one_off_address_record(order=placement.order, ship_to=ship_to, actor=request.user)
        data = OrderSerializer(order_with_details(placement.order)).data
        headers = {"Idempotent-Replayed": "true"} if placement.replayed else None
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)
