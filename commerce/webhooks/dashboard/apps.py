from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class WebhooksDashboardConfig(OscarDashboardConfig):
    label = "webhooks_dashboard"
    name = "commerce.webhooks.dashboard"
    verbose_name = _("Webhooks dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from commerce.webhooks.dashboard import views

        urls = [
            path("", views.EndpointListView.as_view(), name="webhook-list"),
            path("<int:pk>/", views.EndpointDetailView.as_view(), name="webhook-detail"),
            path("<int:pk>/delete/", views.EndpointDeleteView.as_view(), name="webhook-delete"),
            path(
                "<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
                views.RedeliverView.as_view(),
                name="webhook-redeliver",
            ),
        ]
        return self.post_process_urls(urls)
