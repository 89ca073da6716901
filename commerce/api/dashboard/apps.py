from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class ApiDashboardConfig(OscarDashboardConfig):
    label = "api_dashboard"
    name = "commerce.api.dashboard"
    verbose_name = _("API tokens dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from commerce.api.dashboard import views

        urls = [
            path("", views.TokenListView.as_view(), name="api-token-list"),
            path("<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="api-token-revoke"),
            path("<int:pk>/rotate/", views.TokenRotateView.as_view(), name="api-token-rotate"),
        ]
        return self.post_process_urls(urls)
