"""Report pages: a date-range form, a chart, a table and the same rows as CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from commerce.core.exports import CsvWriter
from commerce.leads import analytics as dealer_analytics
from commerce.reports import charts, selectors
from commerce.reports.selectors import Period


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("'From' must not be after 'To'."))
        return data


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    columns: tuple[str, ...]
    rows: Callable  # (user, period) -> list of dataclass rows
    cells: Callable  # row -> list of cell values, in column order
    chart: Callable  # rows -> SafeString
    dated: bool = True  # False: figures as of today, the period does not apply


def _month(d) -> str:
    return d.strftime("%Y-%m")


def _sales_chart(rows):
    months = sorted({_month(r.month) for r in rows})
    series: dict[str, list] = {}
    for site in sorted({r.site for r in rows}):
        by_month = {_month(r.month): r.net for r in rows if r.site == site}
        series[site] = [by_month.get(m, 0) for m in months]
    return charts.line_chart(months, series)


def _aging_rows(user, period):
    rows, overall = selectors.credit_aging(user=user)
    return [*rows, overall] if rows else []


REPORTS = {
    r.slug: r
    for r in (
        Report(
            "sales",
            _("Sales by site and month"),
            ("Month", "Site", "Orders", "Net sales"),
            lambda user, period: selectors.sales_by_site_month(user=user, period=period),
            lambda r: [_month(r.month), r.site, r.orders, r.net],
            _sales_chart,
        ),
        Report(
            "products",
            _("Top products"),
            ("SKU", "Product", "Quantity", "Net sales"),
            lambda user, period: selectors.top_products(user=user, period=period),
            lambda r: [r.sku, r.title, r.quantity, r.net],
            lambda rows: charts.bar_chart([(r.title, r.net) for r in rows]),
        ),
        Report(
            "companies",
            _("Top companies"),
            ("Company", "Orders", "Net sales"),
            lambda user, period: selectors.top_companies(user=user, period=period),
            lambda r: [r.name, r.orders, r.net],
            lambda rows: charts.bar_chart([(r.name, r.net) for r in rows]),
        ),
        Report(
            "approvals",
            _("Approval turnaround"),
            ("Company", "Month", "Decided", "Average hours", "Median hours"),
            lambda user, period: selectors.approval_turnaround(user=user, period=period),
            lambda r: [r.company, _month(r.month), r.decided, r.average_hours, r.median_hours],
            lambda rows: charts.bar_chart(
                [(f"{r.company} {_month(r.month)}", r.median_hours) for r in rows]
            ),
        ),
        Report(
            "exposure",
            _("Credit exposure"),
            ("Company", "Credit limit", "Exposure", "Available", "On hold"),
            lambda user, period: selectors.credit_exposure(user=user),
            lambda r: [r.company, r.limit, r.exposure, r.available, "yes" if r.on_hold else "no"],
            lambda rows: charts.bar_chart([(r.company, r.exposure) for r in rows]),
            dated=False,
        ),
        Report(
            "aging",
            _("Receivables aging"),
            ("Account", "Current", "1-30", "31-60", "61-90", "90+", "Total"),
            _aging_rows,
            lambda r: [r.name, *r.buckets.values(), r.total],
            lambda rows: charts.bar_chart(list(rows[-1].buckets.items())) if rows else "",
            dated=False,
        ),
    )
}


def _dealer_period(period: Period):
    today = timezone.localdate()
    date_to = period.date_to or today
    return (period.date_from or (date_to - timedelta(days=365)).replace(day=1)), date_to


def _dealer_rows(user, period):
    return dealer_analytics.dealer_figures(*_dealer_period(period))


def _region_rows(user, period):
    return dealer_analytics.region_table(*_dealer_period(period))


def _dealer_cells(f):
    d = f.as_dict()
    return [
        f.name,
        f.region,
        f.orders,
        d["revenue"],
        "" if f.acceptance_rate is None else f.acceptance_rate,
        "" if f.accept_hours is None else f.accept_hours,
        "" if f.ship_hours is None else f.ship_hours,
        f.lapsed,
        d["leads"]["offered"],
        d["leads"]["accepted"],
        d["leads"]["quoted"],
        d["leads"]["won"],
        d["leads"]["won_value"],
        d["satisfaction"]["average"] or "",
        d["plan"] or "",
        d["actual"],
        d["rating"]["rating"],
        d["rating"]["satisfaction"],
        d["rating"]["acceptance"],
        d["rating"]["on_time"],
    ]


def _region_chart(rows):
    months = sorted({r["month"] for r in rows})
    series: dict[str, list] = {}
    for region in sorted({r["region"] for r in rows}):
        by_month = {r["month"]: r["actual"] for r in rows if r["region"] == region}
        series[region or "?"] = [by_month.get(m, 0) for m in months]
    return charts.line_chart(months, series)


REPORTS.update(
    {
        "dealers": Report(
            "dealers",
            _("Dealer performance"),
            (
                "Dealer",
                "Region",
                "Orders",
                "Revenue (net)",
                "Acceptance rate",
                "Hours to accept",
                "Hours to ship",
                "Lapsed offers",
                "Leads offered",
                "Leads accepted",
                "Leads quoted",
                "Leads won",
                "Won value",
                "Satisfaction",
                "Plan",
                "Actual",
                "Rating",
                "Rating: satisfaction",
                "Rating: acceptance",
                "Rating: on time",
            ),
            _dealer_rows,
            _dealer_cells,
            lambda rows: charts.bar_chart([(f.name, f.actual) for f in rows]),
        ),
        "dealer-regions": Report(
            "dealer-regions",
            _("Dealer plan vs actual by region"),
            ("Region", "Month", "Plan", "Actual", "Plan missed"),
            _region_rows,
            lambda r: [
                r["region"],
                r["month"],
                r["plan"] or "no plan",
                r["actual"],
                "yes" if r["missed"] else "",
            ],
            _region_chart,
        ),
    }
)


class ReportIndexView(TemplateView):
    template_name = "oscar/dashboard/reports_sales/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reports=REPORTS.values(), **kwargs)


class ReportView(TemplateView):
    template_name = "oscar/dashboard/reports_sales/report.html"

    def get(self, request, *args, **kwargs):
        report = REPORTS.get(kwargs["report"])
        if report is None:
            raise Http404
        data = request.GET.copy()
        if not data.get("date_from") and not data.get("date_to"):
            today = timezone.localdate()
            data["date_from"] = (today - timedelta(days=365)).replace(day=1).isoformat()
            data["date_to"] = today.isoformat()
        form = PeriodForm(data)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(report=report, form=form, rows=[]), status=400
            )
        period = Period(form.cleaned_data["date_from"], form.cleaned_data["date_to"])
        rows = report.rows(request.user, period)
        if request.GET.get("format") == "csv":
            return self.csv(report, rows, period)
        return self.render_to_response(
            self.get_context_data(
                report=report,
                form=form,
                rows=[report.cells(r) for r in rows],
                chart=report.chart(rows),
                reports=REPORTS.values(),
            )
        )

    def csv(self, report: Report, rows, period: Period) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        suffix = f"-{period.date_from}-{period.date_to}" if report.dated else ""
        response["Content-Disposition"] = f'attachment; filename="{report.slug}{suffix}.csv"'
        writer = CsvWriter(response)
        writer.writerow(report.columns)
        for row in rows:
            writer.writerow(report.cells(row))
        return response
