"""Leads on the API: the storefront's request form, the dealer's lead queue
and outcomes, the analytics query."""

from __future__ import annotations

from decimal import Decimal

from oscar.core.loading import get_model
from rest_framework import serializers

from commerce.leads.models import LOST_REASONS, Lead
from commerce.leads.services import OUTCOMES

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")


class LeadCreateSerializer(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=Lead.Kind.choices, default=Lead.Kind.QUOTE)
    postcode = serializers.RegexField(r"^[A-Za-z0-9 -]{3,12}$", max_length=12)
    country = serializers.RegexField(r"^[A-Za-z]{2}$")
    name = serializers.CharField(max_length=128)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    message = serializers.CharField(max_length=2000, allow_blank=True, default="")
    consent = serializers.BooleanField(default=False)


class LeadCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class LeadFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Lead.Status.choices, required=False)


class DealerLeadSerializer(serializers.ModelSerializer):
    product = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = [
            "id",
            "status",
            "kind",
            "product",
            "category",
            "name",
            "email",
            "phone",
            "postcode",
            "country",
            "message",
            "consent",
            "deadline",
            "accepted_at",
            "contacted_at",
            "quoted_at",
            "quoted_amount",
            "closed_at",
            "won_amount",
            "lost_reason",
            "stale",
            "source",
            "created_at",
        ]

    def get_product(self, lead) -> dict | None:
        p = lead.product
        return None if p is None else {"id": p.pk, "title": p.title, "sku": p.upc}

    def get_category(self, lead) -> dict | None:
        c = lead.category
        return None if c is None else {"id": c.pk, "name": c.name}

    def get_deadline(self, lead) -> str | None:
        offers = getattr(lead, "open_offers", None)
        return offers[0].deadline.isoformat() if offers else None

    def get_stale(self, lead) -> bool:
        return lead.stale_at is not None


class LeadRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class LeadOutcomeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(OUTCOMES))
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
    )
    reason = serializers.ChoiceField(choices=LOST_REASONS, required=False, allow_blank=True)

    def validate(self, data):
        if data["status"] in ("quoted", "won") and data.get("amount") is None:
            raise serializers.ValidationError({"amount": "Enter the amount."})
        if data["status"] == "lost" and not data.get("reason"):
            raise serializers.ValidationError({"reason": "Choose why the lead was lost."})
        return data


class PeriodQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def to_internal_value(self, data):
        data = {"date_from": data.get("from"), "date_to": data.get("to")}
        data = {k: v for k, v in data.items() if v not in (None, "")}
        return super().to_internal_value(data)

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"from": "The start is after the end."})
        return data
