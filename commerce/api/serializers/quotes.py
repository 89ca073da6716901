"""Quotes in the API."""

from __future__ import annotations

from rest_framework import serializers

from commerce.quotes.models import Quote

MONEY = {"max_digits": 12, "decimal_places": 2}


class QuoteLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField(source="product.upc", allow_null=True)
    title = serializers.CharField(source="product.get_title")
    quantity = serializers.IntegerField()
    target_price = serializers.DecimalField(**MONEY, allow_null=True)
    offered_price = serializers.DecimalField(**MONEY, allow_null=True)


class QuoteEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    by = serializers.SerializerMethodField()
    by_staff = serializers.BooleanField()
    message = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")

    def get_by(self, event) -> str | None:
        return event.actor.email if event.actor is not None else None


class QuoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(source="shown_status", choices=Quote.Status.choices)
    company = serializers.CharField(source="company.name")
    requested_by = serializers.EmailField(source="requested_by.email")
    message = serializers.CharField()
    requested_date = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    currency = serializers.CharField()
    order = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    lines = QuoteLineSerializer(many=True, source="lines.all")
    thread = QuoteEventSerializer(many=True, source="events.all")

    def get_order(self, quote) -> str | None:
        return quote.order.number if quote.order_id and quote.order is not None else None


class QuoteRequestLineSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    target_price = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)


class QuoteRequestSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    requested_date = serializers.DateField(required=False, allow_null=True)
    lines = QuoteRequestLineSerializer(
        many=True,
        required=False,
        help_text="Target prices (and quantities) per product; the current basket's lines "
        "when omitted.",
    )


class OfferLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    price = serializers.DecimalField(**MONEY, min_value=0)


class OfferSerializer(serializers.Serializer):
    lines = OfferLineSerializer(many=True)
    valid_until = serializers.DateField()
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CounterLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    target_price = serializers.DecimalField(**MONEY, min_value=0)


class CounterSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    lines = CounterLineSerializer(many=True, required=False, default=list)


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=5000)
