from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class OutboxDashboardConfig(OscarDashboardConfig):
    label = "outbox_dashboard"
    name = "commerce.outbox.dashboard"
    verbose_name = _("Outbox dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from commerce.outbox.dashboard import views

        urls = [
            path("", views.OutboxListView.as_view(), name="outbox-list"),
            path("retry/", views.OutboxRetryView.as_view(), name="outbox-retry"),
        ]
        return self.post_process_urls(urls)
