"""The checkout request body."""

from __future__ import annotations

from rest_framework import serializers

from commerce.order.models import PaymentMethod


class AddressSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    first_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=255)
    line1 = serializers.CharField(max_length=255)
    line2 = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    line3 = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    line4 = serializers.CharField(max_length=255, help_text="City.")
    state = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=64)
    country = serializers.CharField(max_length=2, min_length=2, help_text="ISO 3166-1 alpha-2.")
    phone_number = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class CheckoutSerializer(serializers.Serializer):
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    ship_to = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text="A ship-to address of the active company (portal); the same as "
        "shipping_address_id.",
    )
    shipping_address_id = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text="The id of one of the active company's ship-to addresses "
        "(GET /api/company/addresses/). On the portal an order goes to one of them.",
    )
    shipping_address = AddressSerializer(
        required=False,
        allow_null=True,
        help_text="On the storefront, any address. On the portal it must equal one of the "
        "company's ship-to addresses (that address is used), unless the company allows "
        "one-off addresses (refused otherwise with ship_to_not_allowed).",
    )
    shipping_method = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="Delivery method code; the site's first method when empty.",
    )
    po_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    card_token = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="A token from the card gateway (payment_method=card).",
    )
    instalments = serializers.ChoiceField(
        choices=[(3, "3"), (6, "6"), (12, "12")],
        required=False,
        allow_null=True,
        help_text="Monthly instalments at 0 % (payment_method=instalments): 3, 6 or 12.",
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    requested_delivery_date = serializers.DateField(required=False, allow_null=True)
    expected_total = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="The total the buyer confirmed; refused with price_changed if it moved.",
    )

    quote = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text="An accepted quote of the active company (portal): its lines are ordered at "
        "the quoted prices instead of the basket.",
    )

    if_approval_needed = serializers.ChoiceField(
        choices=[("place", "place"), ("refuse", "refuse")],
        default="place",
        help_text=(
            "What to do when the company's rules send the order for approval: place it "
            "as Pending approval (default), or refuse it with approval_required."
        ),
    )

    def validate(self, data):
        if data["payment_method"] == PaymentMethod.INSTALMENTS and not data.get("instalments"):
            raise serializers.ValidationError({"instalments": "Choose 3, 6 or 12 instalments."})
        by_id = {f: data[f] for f in ("ship_to", "shipping_address_id") if data.get(f)}
        if len(set(by_id.values())) > 1:
            raise serializers.ValidationError(
                {"shipping_address_id": "ship_to and shipping_address_id name different addresses."}
            )
        if by_id:
            field, data["ship_to"] = next(iter(by_id.items()))
            data["ship_to_field"] = field
        elif not data.get("shipping_address"):
            raise serializers.ValidationError(
                {"shipping_address": "Give a shipping_address or a shipping_address_id."}
            )
        return data
