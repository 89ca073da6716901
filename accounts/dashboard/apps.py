from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class CompaniesDashboardConfig(OscarDashboardConfig):
    label = "companies_dashboard"
    name = "accounts.dashboard"
    verbose_name = _("Companies dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from accounts.dashboard import views

        urls = [
            path("", views.CompanyListView.as_view(), name="company-list"),
            path("<int:pk>/", views.CompanyDetailView.as_view(), name="company-detail"),
            path("<int:pk>/edit/", views.CompanyUpdateView.as_view(), name="company-update"),
            path("<int:pk>/status/", views.CompanyStatusView.as_view(), name="company-status"),
            path(
                "<int:pk>/sales-reps/",
                views.CompanySalesRepsView.as_view(),
                name="company-sales-reps",
            ),
            path(
                "<int:pk>/members/add/",
                views.CompanyMemberAddView.as_view(),
                name="company-member-add",
            ),
            path(
                "<int:pk>/members/<int:membership_pk>/",
                views.CompanyMemberUpdateView.as_view(),
                name="company-member-update",
            ),
            path(
                "<int:pk>/members/<int:membership_pk>/assist/",
                views.CompanyAssistView.as_view(),
                name="company-member-assist",
            ),
            path(
                "<int:pk>/addresses/<int:address_pk>/",
                views.CompanyAddressUpdateView.as_view(),
                name="company-address-update",
            ),
        ]
        return self.post_process_urls(urls)
