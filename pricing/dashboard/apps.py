from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class PricingDashboardConfig(OscarDashboardConfig):
    label = "pricing_dashboard"
    name = "pricing.dashboard"
    verbose_name = _("Pricing dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from pricing.dashboard import views

        urls = [
            path("lists/", views.PriceListListView.as_view(), name="pricelist-list"),
            path("lists/new/", views.PriceListCreateView.as_view(), name="pricelist-create"),
            path("lists/<int:pk>/", views.PriceListDetailView.as_view(), name="pricelist-detail"),
            path(
                "lists/<int:pk>/edit/", views.PriceListUpdateView.as_view(), name="pricelist-update"
            ),
            path(
                "lists/<int:pk>/entries/new/",
                views.EntryCreateView.as_view(),
                name="pricelist-entry-create",
            ),
            path(
                "lists/<int:pk>/entries/<int:entry_pk>/",
                views.EntryUpdateView.as_view(),
                name="pricelist-entry-update",
            ),
            path(
                "lists/<int:pk>/entries/<int:entry_pk>/delete/",
                views.EntryDeleteView.as_view(),
                name="pricelist-entry-delete",
            ),
            path(
                "lists/<int:pk>/export.csv",
                views.PriceListExportView.as_view(),
                name="pricelist-export",
            ),
            path(
                "lists/<int:pk>/import/",
                views.PriceListImportView.as_view(),
                name="pricelist-import",
            ),
            path("why/", views.PriceTraceView.as_view(), name="price-trace"),
            path("loyalty/", views.LoyaltyTierListView.as_view(), name="loyalty-list"),
            path("loyalty/new/", views.LoyaltyTierCreateView.as_view(), name="loyalty-create"),
            path("loyalty/<int:pk>/", views.LoyaltyTierUpdateView.as_view(), name="loyalty-update"),
            path(
                "loyalty/recompute/", views.LoyaltyRecomputeView.as_view(), name="loyalty-recompute"
            ),
        ]
        return self.post_process_urls(urls)
