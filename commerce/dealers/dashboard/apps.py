from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class DealersDashboardConfig(OscarDashboardConfig):
    label = "dealers_dashboard"
    name = "commerce.dealers.dashboard"
    verbose_name = _("Dealers dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from commerce.dealers.dashboard import views

        urls = [
            path("", views.DealerListView.as_view(), name="dealer-list"),
            path("new/", views.DealerOnboardView.as_view(), name="dealer-create"),
            path("<int:pk>/", views.DealerDetailView.as_view(), name="dealer-detail"),
            path("<int:pk>/payouts/", views.PayoutView.as_view(), name="dealer-payout"),
            path(
                "<int:pk>/settlement/<int:year>-<int:month>.csv",
                views.SettlementCsvView.as_view(),
                name="dealer-settlement",
            ),
            path(
                "<int:pk>/settlement/<int:year>-<int:month>.pdf",
                views.SettlementCsvView.as_view(),
                {"fmt": "pdf"},
                name="dealer-settlement-pdf",
            ),
            path("offers/", views.OfferListView.as_view(), name="dealer-offers"),
            path("dry-run/", views.DryRunView.as_view(), name="dealer-dry-run"),
            path(
                "orders/<str:number>/reroute/",
                views.RerouteView.as_view(),
                name="dealer-reroute",
            ),
        ]
        return self.post_process_urls(urls)
