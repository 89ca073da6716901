"""The active company, its members and addresses; API tokens."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import policy
from accounts.models import Membership
from commerce.billing.terms import Terms


class CompanyCreditSerializer(serializers.Serializer):
    """The company's payment terms and credit standing."""

    terms = serializers.ChoiceField(choices=Terms.choices, source="account.terms")
    limit = serializers.DecimalField(max_digits=12, decimal_places=2, source="standing.limit")
    exposure = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        source="standing.exposure",
        help_text="Open on-account orders not yet invoiced plus unpaid invoice balances.",
    )
    available = serializers.DecimalField(
        max_digits=12, decimal_places=2, source="standing.available"
    )
    on_hold = serializers.BooleanField(source="standing.on_hold")
    hold_reason = serializers.CharField(source="standing.hold_reason")
    currency = serializers.CharField(source="standing.currency")

    def get_attribute(self, company):
        # The view puts the standing in the context only for roles that may see
        # invoices; for any other role the key is left out of the response.
        if "credit" not in self.context:
            raise serializers.SkipField()
        return self.context["credit"]


class CompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    tax_id = serializers.CharField()
    status = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    po_number_required = serializers.BooleanField()
    price_tier = serializers.CharField(source="price_tier.name", allow_null=True, default=None)
    role = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    credit = CompanyCreditSerializer(
        required=False,
        allow_null=True,
        help_text="Only for roles that may see invoices (absent otherwise); null when the "
        "company has no payment terms.",
    )

    @extend_schema_field(serializers.ChoiceField(choices=Membership.Role.choices))
    def get_role(self, company) -> str:
        return self.context["membership"].role

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, company) -> list[str]:
        return sorted(str(a) for a in policy.allowed_actions(self.context["membership"]))


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.get_full_name")
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    is_active = serializers.BooleanField()


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    expires_at = serializers.DateTimeField()


class CompanyAddressSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    first_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    line1 = serializers.CharField(max_length=255)
    line2 = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    line4 = serializers.CharField(max_length=255, help_text="City.")
    state = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=64)
    country = serializers.CharField(
        source="country_id", max_length=2, min_length=2, help_text="ISO 3166-1 alpha-2."
    )
    phone_number = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )
    is_default = serializers.BooleanField(required=False, default=False)
    is_active = serializers.BooleanField(read_only=True)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, default="API sign-in")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as 'Authorization: Token <token>'. Shown once.")
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    prefix = serializers.CharField()
