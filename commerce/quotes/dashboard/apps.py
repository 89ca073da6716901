from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class QuotesDashboardConfig(OscarDashboardConfig):
    label = "quotes_dashboard"
    name = "commerce.quotes.dashboard"
    verbose_name = _("Quotes dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from commerce.quotes.dashboard import views

        urls = [
            path("", views.QuoteListView.as_view(), name="quote-list"),
            path("<int:pk>/", views.QuoteDetailView.as_view(), name="quote-detail"),
        ]
        return self.post_process_urls(urls)
