"""``/api/approvals/``: the approver's inbox and decisions (the approvals services)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from accounts import policy
from commerce.api.serializers.orders import ApprovalSerializer, DecideSerializer
from commerce.api.views.base import ApiGenericView, ApiListView
from commerce.approvals import services
from commerce.approvals.models import ApprovalRequest
from commerce.approvals.selectors import approvals_of


class ApprovalInboxMixin:
    """An approval inbox: pending requests by default, ``?status=`` for others
    or ``all`` (the portal's and a household owner's)."""

    serializer_class = ApprovalSerializer

    def wanted_status(self) -> str | None:
        wanted = self.request.query_params.get("status", ApprovalRequest.Status.PENDING)
        return None if wanted == "all" else wanted

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=[*ApprovalRequest.Status.values, "all"],
                description="Default: pending.",
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ApprovalListView(ApprovalInboxMixin, ApiListView):
    required_action = policy.Action.APPROVE_ORDERS
    storefront_allowed = False

    def get_queryset(self):
        return approvals_of(self.site_request.company, status=self.wanted_status())


class ApprovalDecideView(ApiGenericView):
    serializer_class = ApprovalSerializer
    required_action = policy.Action.APPROVE_ORDERS
    storefront_allowed = False
    decision = "approve"

    @extend_schema(request=DecideSerializer, responses=ApprovalSerializer)
    def post(self, request, pk: int):
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approval = approvals_of(self.site_request.company).filter(pk=pk).first()
        if approval is None:
            raise Http404("No such approval request.")
        services.approval_decide(
            request=approval,
            approver=request.user,
            decision=self.decision,
            comment=body.validated_data["comment"],
        )
        return Response(self.get_serializer(approvals_of(approval.company).get(pk=pk)).data)
