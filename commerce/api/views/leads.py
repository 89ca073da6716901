"""``/api/leads/`` (the storefront's request form, anonymous, throttled),
``/api/dealer/leads/...`` (a dealer's leads), ``/api/dealer/analytics/`` and
``/api/reports/dealers/`` (staff with the reports section)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response

from accounts import staff_policy
from commerce.api.permissions import staff_actor
from commerce.api.serializers.leads import (
    DealerLeadSerializer,
    LeadCreatedSerializer,
    LeadCreateSerializer,
    LeadFilter,
    LeadOutcomeSerializer,
    LeadRejectSerializer,
    PeriodQuerySerializer,
)
from commerce.api.views.auth import PublicFormView
from commerce.api.views.base import ApiGenericView, ApiListView, ApiView
from commerce.api.views.dealers import DealerMixin
from commerce.core import attribution
from commerce.leads import analytics, services
from commerce.leads.exceptions import LeadError
from commerce.leads.models import Lead, LeadOffer
from commerce.leads.selectors import lead_is_for_dealers

PERIOD = [
    OpenApiParameter("from", str, description="YYYY-MM-DD (default: 30 days ago)"),
    OpenApiParameter("to", str, description="YYYY-MM-DD (default: today)"),
]


def period(request):
    query = PeriodQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    today = timezone.localdate()
    date_to = query.validated_data.get("date_to") or today
    date_from = query.validated_data.get("date_from") or date_to - timedelta(days=30)
    return date_from, date_to


class LeadCreateView(PublicFormView):
    """A consumer asks for a dealer's quote, advice or installation."""

    @extend_schema(request=LeadCreateSerializer, responses={201: LeadCreatedSerializer})
    def post(self, request):
        data = self.validated(LeadCreateSerializer)
        if not lead_is_for_dealers(data.get("product"), data.get("category")):
            raise LeadError("This product is not sold through dealers.")
        source, detail = attribution.lead_source(request._request)
        lead = services.lead_create(**data, user=request.user, source=source, source_detail=detail)
        return Response({"id": lead.pk, "status": lead.status}, status=status.HTTP_201_CREATED)


class DealerLeadMixin(DealerMixin):
    def leads(self):
        return (
            Lead.objects.filter(dealer=self.dealer)
            .select_related("product", "category")
            .prefetch_related(
                Prefetch(
                    "offers",
                    queryset=LeadOffer.objects.filter(
                        dealer=self.dealer, status=LeadOffer.Status.OFFERED
                    ),
                    to_attr="open_offers",
                )
            )
            .order_by("-created_at", "-pk")
        )

    def lead(self, pk: int) -> Lead:
        lead = self.leads().filter(pk=pk).first()
        if lead is None:
            raise Http404("No such lead.")
        return lead

    def answer(self, pk: int):
        return Response(DealerLeadSerializer(self.lead(pk)).data)


class DealerLeadListView(DealerLeadMixin, ApiListView):
    serializer_class = DealerLeadSerializer

    @extend_schema(parameters=[LeadFilter])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = LeadFilter(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        rows = self.leads()
        if query.validated_data.get("status"):
            rows = rows.filter(status=query.validated_data["status"])
        return rows


class DealerLeadDetailView(DealerLeadMixin, ApiGenericView):
    serializer_class = DealerLeadSerializer

    def get(self, request, pk: int):
        return self.answer(pk)


class DealerLeadActionView(DealerLeadMixin, ApiGenericView):
    """accept / reject {reason} / outcome {status, amount?, reason?}."""

    serializer_class = DealerLeadSerializer
    action = ""

    def get_serializer_class(self):
        if self.action == "reject":
            return LeadRejectSerializer
        if self.action == "outcome":
            return LeadOutcomeSerializer
        return DealerLeadSerializer

    def post(self, request, pk: int):
        lead = self.lead(pk)
        if self.action == "accept":
            services.lead_accept(lead_id=lead.pk, dealer=self.dealer)
        elif self.action == "reject":
            body = LeadRejectSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.lead_reject(
                lead_id=lead.pk, dealer=self.dealer, reason=body.validated_data["reason"]
            )
            return Response({"id": lead.pk, "status": "rejected"})
        else:
            body = LeadOutcomeSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.lead_outcome(
                lead_id=lead.pk,
                dealer=self.dealer,
                status=body.validated_data["status"],
                amount=body.validated_data.get("amount"),
                reason=body.validated_data.get("reason") or "",
            )
        return self.answer(pk)


class DealerAnalyticsView(DealerMixin, ApiView):
    """The dealer's own figures for a date range (others appear only anonymised in the rank)."""

    @extend_schema(parameters=PERIOD, responses={200: dict})
    def get(self, request):
        date_from, date_to = period(request)
        return Response(analytics.dealer_analytics(self.dealer, date_from, date_to))


class ReportsSection(permissions.BasePermission):
    """Read-only figures: staff whose role has the reports, by session, their
    own token or an integration token they issued."""

    message = "Your staff role does not include the reports."

    def has_permission(self, request, view) -> bool:
        actor = staff_actor(request) or request.user
        return staff_policy.may_use_section(
            actor, "sales_reports_dashboard"
        ) or staff_policy.may_use_section(actor, "reports_dashboard")


class DealerReportView(ApiView):
    """One row per dealer with its figures and region; the region table."""

    permission_classes = [ReportsSection]

    @extend_schema(parameters=PERIOD, responses={200: dict})
    def get(self, request):
        date_from, date_to = period(request)
        rows = [f.as_dict() for f in analytics.dealer_figures(date_from, date_to)]
        return Response(
            {
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "count": len(rows),
                "results": rows,
                "regions": analytics.region_table(date_from, date_to),
                "revenue_by_source": analytics.revenue_by_source(date_from, date_to),
            }
        )
