"""``/api/household/...``: household accounts on the storefront (the households
services, and the approval engine for the owner's decisions)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from commerce.api.serializers.orders import ApprovalSerializer, DecideSerializer
from commerce.api.views.approvals import ApprovalInboxMixin
from commerce.api.views.base import ApiGenericView, ApiListView, ApiView
from commerce.approvals import services as approval_services
from commerce.approvals.selectors import household_approvals
from commerce.households import budget, selectors, services
from commerce.households.exceptions import NotHouseholdOwner
from commerce.households.models import HouseholdMember

BUDGET = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class HouseholdMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email")
    monthly_budget = serializers.DecimalField(max_digits=12, decimal_places=2)
    spent_this_month = serializers.DecimalField(
        max_digits=12, decimal_places=2, source="standing.spent"
    )
    remaining = serializers.DecimalField(
        max_digits=12, decimal_places=2, source="standing.remaining"
    )
    joined_at = serializers.DateTimeField()


class HouseholdInvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    monthly_budget = serializers.DecimalField(max_digits=12, decimal_places=2)
    expires_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, invitation) -> str:
        return services.invitation_url(invitation)


class HouseholdSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="owner, or member")
    name = serializers.CharField()
    owner = serializers.EmailField()
    monthly_budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="Owner: the shared budget."
    )
    members = HouseholdMemberSerializer(many=True, required=False)
    invitations = HouseholdInvitationSerializer(many=True, required=False)
    spent_this_month = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    remaining = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


class HouseholdInviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    monthly_budget = serializers.DecimalField(**BUDGET)


class HouseholdAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class HouseholdBudgetSerializer(serializers.Serializer):
    monthly_budget = serializers.DecimalField(**BUDGET)


def _owned(user):
    household = selectors.owned_household(user)
    if household is None:
        raise NotHouseholdOwner("Only a household's owner can do that.")
    return household


def _member_data(member, standing=None):
    member.standing = standing or budget.standing(member)
    return member


class HouseholdView(ApiView):
    """The caller's household: as its owner (members, budgets, open invitations)
    or as a member (budget left this month). 404 when in none."""

    @extend_schema(responses=HouseholdSerializer)
    def get(self, request):
        household = selectors.owned_household(request.user)
        if household is not None:
            members = list(selectors.active_members(household))
            standings = budget.standings(household, members)
            data = {
                "role": "owner",
                "name": household.name,
                "owner": request.user.email,
                "monthly_budget": household.monthly_budget,
                "members": [_member_data(m, standings[m.pk]) for m in members],
                "invitations": list(selectors.open_invitations(household)),
            }
            return Response(HouseholdSerializer(data).data)
        member = budget.membership_of(request.user)
        if member is None:
            raise Http404("You are in no household.")
        standing = budget.standing(member)
        data = {
            "role": "member",
            "name": member.household.name,
            "owner": member.household.owner.email,
            "monthly_budget": member.monthly_budget,
            "spent_this_month": standing.spent,
            "remaining": standing.remaining,
        }
        return Response(HouseholdSerializer(data).data)


class InvitationCreateView(ApiView):
    """The owner invites someone (the link is emailed to them)."""

    @extend_schema(
        request=HouseholdInviteSerializer, responses={201: HouseholdInvitationSerializer}
    )
    def post(self, request):
        household = _owned(request.user)
        body = HouseholdInviteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            household=household, actor=request.user, **body.validated_data
        )
        return Response(
            HouseholdInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED
        )


class InvitationAcceptView(ApiView):
    """The invited consumer (signed in with the invited address) joins."""

    @extend_schema(request=HouseholdAcceptSerializer, responses=HouseholdMemberSerializer)
    def post(self, request):
        body = HouseholdAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = services.invitation_accept(token=body.validated_data["token"], user=request.user)
        return Response(HouseholdMemberSerializer(_member_data(member)).data)


class MemberView(ApiView):
    """The owner changes a member's monthly budget (another household's member: 404)."""

    @extend_schema(request=HouseholdBudgetSerializer, responses=HouseholdMemberSerializer)
    def patch(self, request, pk: int):
        household = _owned(request.user)
        member = (
            HouseholdMember.objects.filter(pk=pk, household=household, is_active=True)
            .select_related("household", "user")
            .first()
        )
        if member is None:
            raise Http404("No such member.")
        body = HouseholdBudgetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = services.member_budget_set(
            member=member, actor=request.user, monthly_budget=body.validated_data["monthly_budget"]
        )
        return Response(HouseholdMemberSerializer(_member_data(member)).data)


class ApprovalListView(ApprovalInboxMixin, ApiListView):
    """The owner's approval inbox: pending by default, ``?status=all``."""

    def get_queryset(self):
        return household_approvals(_owned(self.request.user), status=self.wanted_status())


class ApprovalDecideView(ApiGenericView):
    serializer_class = ApprovalSerializer
    decision = "approve"

    @extend_schema(request=DecideSerializer, responses=ApprovalSerializer)
    def post(self, request, pk: int):
        household = _owned(request.user)
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approval = household_approvals(household).filter(pk=pk).first()
        if approval is None:
            raise Http404("No such approval request.")
        approval_services.approval_decide(
            request=approval,
            approver=request.user,
            decision=self.decision,
            comment=body.validated_data["comment"],
        )
        return Response(self.get_serializer(household_approvals(household).get(pk=pk)).data)
