from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class SalesReportsDashboardConfig(OscarDashboardConfig):
    """Back-office reports: sales, top products and companies, approval
    turnaround, credit exposure and aging; each with a chart and a CSV."""

    label = "sales_reports_dashboard"
    name = "commerce.reports"
    verbose_name = _("Sales reports dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from commerce.reports import plans, views

        urls = [
            path("", views.ReportIndexView.as_view(), name="sales-report-index"),
            path("dealer-plans/", plans.PlanView.as_view(), name="sales-report-plans"),
            path("<slug:report>/", views.ReportView.as_view(), name="sales-report"),
        ]
        return self.post_process_urls(urls)
