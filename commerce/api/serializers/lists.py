"""Shopping lists in the API."""

from __future__ import annotations

from rest_framework import serializers

from commerce.lists.models import ShoppingList


class ListLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    product = serializers.IntegerField(source="product_id", read_only=True)
    sku = serializers.CharField(source="product.upc", read_only=True, allow_null=True)
    title = serializers.CharField(source="product.get_title", read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    note = serializers.CharField(read_only=True)


class ListSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    shared = serializers.BooleanField(read_only=True)
    owner = serializers.EmailField(source="owner.email", read_only=True)
    line_count = serializers.IntegerField(read_only=True, default=0)
    replenish_every = serializers.IntegerField(read_only=True, allow_null=True)
    replenish_unit = serializers.CharField(read_only=True)
    next_replenish_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ListDetailSerializer(ListSerializer):
    lines = serializers.SerializerMethodField()

    def get_lines(self, shopping_list) -> list[dict]:
        lines = self.context.get("lines")
        return ListLineSerializer(lines, many=True).data


class ListCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    shared = serializers.BooleanField(default=False)


class ListUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    shared = serializers.BooleanField(required=False)
    replenish_every = serializers.IntegerField(
        min_value=1,
        max_value=365,
        required=False,
        allow_null=True,
        help_text="Prepare a basket from the list every N days or weeks; null stops it.",
    )
    replenish_unit = serializers.ChoiceField(choices=ShoppingList.Every.choices, required=False)


class ListLineCreateSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ToBasketSerializer(serializers.Serializer):
    """What "add all to basket" did: lines added at today's prices, lines left out."""

    basket_lines = serializers.IntegerField()
    added = serializers.ListField(child=serializers.DictField())
    problems = serializers.ListField(child=serializers.DictField())
