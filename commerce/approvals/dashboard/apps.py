from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class ApprovalsDashboardConfig(OscarDashboardConfig):
    label = "approvals_dashboard"
    name = "commerce.approvals.dashboard"
    verbose_name = _("Approvals dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from commerce.approvals.dashboard import views

        urls = [
            path("", views.ApprovalListView.as_view(), name="approval-list"),
            path("<int:pk>/", views.ApprovalDetailView.as_view(), name="approval-detail"),
        ]
        return self.post_process_urls(urls)
