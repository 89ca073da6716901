"""The dealer's leads and its own analytics in the portal."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from commerce.core.errors import DomainError
from commerce.core.exports import CsvWriter
from commerce.leads import analytics, services
from commerce.leads.models import LOST_REASONS, Lead
from commerce.reports import charts
from portals.portal.dealer_views import DealerMixin


class DealerLeadsView(DealerMixin, TemplateView):
    template_name = "portal/dealer/leads.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status") or ""
        if status not in Lead.Status.values:
            status = ""
        rows = Lead.objects.filter(dealer=self.dealer).select_related("product")
        if status:
            rows = rows.filter(status=status)
        return {
            **super().get_context_data(**kwargs),
            "dealer": self.dealer,
            "rows": list(rows.prefetch_related("offers")[:100]),
            "status": status,
            "statuses": Lead.Status.values,
            "lost_reasons": LOST_REASONS,
        }


class DealerLeadActionView(DealerMixin, View):
    http_method_names = ["post"]
    action = ""

    def post(self, request, pk):
        if not Lead.objects.filter(pk=pk, dealer=self.dealer).exists():
            raise Http404("No such lead.")
        data = request.POST
        try:
            if self.action == "accept":
                services.lead_accept(lead_id=pk, dealer=self.dealer)
            elif self.action == "reject":
                services.lead_reject(lead_id=pk, dealer=self.dealer, reason=data.get("reason", ""))
            else:
                services.lead_outcome(
                    lead_id=pk,
                    dealer=self.dealer,
                    status=data.get("status", ""),
                    amount=data.get("amount") or None,
                    reason=data.get("reason", ""),
                )
            messages.success(request, f"Lead {pk} updated.")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("portal:dealer-leads")


def parse_period(request) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        date_to = date.fromisoformat(request.GET.get("to") or today.isoformat())
        date_from = date.fromisoformat(
            request.GET.get("from") or (date_to - timedelta(days=180)).replace(day=1).isoformat()
        )
    except ValueError:
        date_to, date_from = today, (today - timedelta(days=180)).replace(day=1)
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    return date_from, date_to


class DealerAnalyticsView(DealerMixin, TemplateView):
    template_name = "portal/dealer/analytics.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") != "csv":
            return super().get(request, *args, **kwargs)
        date_from, date_to = parse_period(request)
        data = analytics.dealer_analytics(self.dealer, date_from, date_to)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="dealer-analytics-{date_from}-{date_to}.csv"'
        )
        writer = CsvWriter(response)
        writer.writerow(["month", "plan", "actual"])
        for month in data["months"]:
            writer.writerow([month["month"], month["plan"] or "", month["actual"]])
        writer.writerow([])
        leads = data["leads"]
        for label, value in (
            ("orders", data["orders"]),
            ("revenue", data["revenue"]),
            ("acceptance_rate", data["acceptance_rate"]),
            ("time_to_accept_hours", data["time_to_accept_hours"]),
            ("time_to_ship_hours", data["time_to_ship_hours"]),
            ("lapsed_offers", data["lapsed_offers"]),
            *((f"leads_{step}", leads[step]) for step in analytics.FUNNEL),
            ("leads_won_value", leads["won_value"]),
            ("satisfaction", data["satisfaction"]["average"]),
            ("plan", data["plan"]),
            ("actual", data["actual"]),
            ("rank", f"{data['rank']['position']}/{data['rank']['of']}"),
        ):
            writer.writerow([label, "" if value is None else value])
        return response

    def get_context_data(self, **kwargs):
        date_from, date_to = parse_period(self.request)
        data = analytics.dealer_analytics(self.dealer, date_from, date_to)
        months = data["months"]
        chart = charts.line_chart(
            [m["month"] for m in months],
            {
                "actual": [analytics.Decimal(m["actual"]) for m in months],
                "plan": [analytics.Decimal(m["plan"] or "0") for m in months],
            },
        )
        return {
            **super().get_context_data(**kwargs),
            "dealer": self.dealer,
            "data": data,
            "chart": chart,
            "date_from": date_from,
            "date_to": date_to,
        }
