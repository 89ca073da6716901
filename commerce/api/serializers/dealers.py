"""The dealer network as the API shows it: the locator, a dealer's orders, stock."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commerce.dealers.selectors import ROUTING_STATUSES, personal_data_visible


class LocatorQuerySerializer(serializers.Serializer):
    postcode = serializers.RegexField(r"^[A-Za-z0-9 \-]{2,12}$", max_length=12)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, default="DE")
    product = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class NearbyDealerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    distance_km = serializers.FloatField(allow_null=True)
    rating = serializers.DecimalField(max_digits=3, decimal_places=2)
    in_stock = serializers.BooleanField()


class DealerOrderFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(ROUTING_STATUSES), required=False)


class DealerLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="upc", allow_null=True)
    title = serializers.CharField()
    quantity = serializers.IntegerField()


class DealerOrderSerializer(serializers.Serializer):
    """What fulfilment needs, and no more; the customer's data only while the
    dealer may still see it."""

    number = serializers.CharField(source="order.number")
    status = serializers.CharField()
    order_status = serializers.CharField(source="order.status")
    date_placed = serializers.DateTimeField(source="order.date_placed")
    offered_at = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()
    seconds_left = serializers.SerializerMethodField()
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    customer = serializers.SerializerMethodField()
    lines = DealerLineSerializer(many=True, source="order.lines.all")

    def _offer(self, routing):
        offers = getattr(routing.order, "my_offers", None) or []
        return offers[0] if offers else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_offered_at(self, routing):
        offer = self._offer(routing)
        return offer.offered_at.isoformat() if offer else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_deadline(self, routing):
        offer = self._offer(routing)
        return offer.deadline.isoformat() if offer and routing.status == "offered" else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_seconds_left(self, routing):
        offer = self._offer(routing)
        if offer is None or routing.status != "offered":
            return None
        return max(int((offer.deadline - timezone.now()).total_seconds()), 0)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_customer(self, routing):
        address = routing.order.shipping_address
        if address is None or not personal_data_visible(routing, self.context["dealer"]):
            return None
        return {
            "name": address.name,
            "line1": address.line1,
            "line2": address.line2,
            "postcode": address.postcode,
            "city": address.line4,
            "country": address.country_id,
            "phone": str(address.phone_number or ""),
        }


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ShipSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=64)
    tracking_number = serializers.CharField(max_length=64)


class StockItemSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=128)
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000)
