"""``/api/company/``: the active company, its members (invitations) and addresses."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from oscar.core.loading import get_model
from rest_framework import status
from rest_framework.response import Response

from accounts import addresses, invitations, policy
from accounts.models import CompanyAddress
from commerce.api import selectors
from commerce.api.errors import ApiError
from commerce.api.serializers.accounts import (
    CompanyAddressSerializer,
    CompanySerializer,
    InvitationSerializer,
    InviteSerializer,
    MemberSerializer,
)
from commerce.api.views.base import ApiGenericView, ApiListView

Country = get_model("address", "Country")
Action = policy.Action


class CompanyView(ApiGenericView):
    serializer_class = CompanySerializer
    required_action = Action.VIEW_CATALOG  # every member sees their company
    storefront_allowed = False

    def get(self, request):
        site = self.site_request
        context = {**self.get_serializer_context(), "membership": site.membership}
        if policy.can(site.membership, Action.VIEW_INVOICES):
            context["credit"] = selectors.company_credit(site.company)
        return Response(self.get_serializer(site.company, context=context).data)


class MembersView(ApiListView):
    serializer_class = MemberSerializer
    required_action = Action.MANAGE_MEMBERS
    storefront_allowed = False

    def get_queryset(self):
        return self.site_request.company.memberships.select_related("user").order_by(
            "-is_active", "user__email", "pk"
        )

    @extend_schema(request=InviteSerializer, responses={201: InvitationSerializer})
    def post(self, request):
        """Invite someone by email with a role (they accept from the emailed link)."""
        body = InviteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = invitations.invitation_create(
            company=self.site_request.company,
            email=body.validated_data["email"],
            role=body.validated_data["role"],
            actor=request.user,
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class AddressesView(ApiListView):
    serializer_class = CompanyAddressSerializer
    required_action = Action.VIEW_CATALOG
    storefront_allowed = False

    def get_queryset(self):
        return self.site_request.company.addresses.filter(is_active=True).order_by(
            "kind", "-is_default", "label", "pk"
        )

    @extend_schema(request=CompanyAddressSerializer, responses={201: CompanyAddressSerializer})
    def post(self, request):
        """Add a ship-to address (company admins)."""
        policy.require(self.site_request.membership, Action.MANAGE_ADDRESSES)
        body = CompanyAddressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        make_default = fields.pop("is_default", False)
        country = Country.objects.filter(iso_3166_1_a2=fields.pop("country_id").upper()).first()
        if country is None:
            raise ApiError(
                "Unknown country.",
                code="validation_error",
                details={"country": ["Unknown country code."]},
            )
        address = addresses.ship_to_create(
            company=self.site_request.company,
            actor=request.user,
            make_default=make_default,
            country=country,
            **fields,
        )
        address = CompanyAddress.objects.get(pk=address.pk)
        return Response(self.get_serializer(address).data, status=status.HTTP_201_CREATED)
