from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class BillingDashboardConfig(OscarDashboardConfig):
    label = "billing_dashboard"
    name = "commerce.billing.dashboard"
    verbose_name = _("Billing dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from commerce.billing.dashboard import views

        urls = [
            path("accounts/", views.AccountListView.as_view(), name="credit-account-list"),
            path("accounts/new/", views.AccountCreateView.as_view(), name="credit-account-create"),
            path(
                "accounts/<int:pk>/",
                views.AccountDetailView.as_view(),
                name="credit-account-detail",
            ),
            path(
                "accounts/<int:pk>/hold/",
                views.AccountHoldView.as_view(),
                name="credit-account-hold",
            ),
            path(
                "accounts/<int:pk>/payments/new/",
                views.PaymentCreateView.as_view(),
                name="payment-create",
            ),
            path("invoices/", views.InvoiceListView.as_view(), name="invoice-list"),
            path(
                "invoices/<str:number>/", views.InvoiceDetailView.as_view(), name="invoice-detail"
            ),
            path("invoices/<str:number>/pdf/", views.InvoicePDFView.as_view(), name="invoice-pdf"),
            path(
                "invoices/<str:number>/credit-note/",
                views.CreditNoteCreateView.as_view(),
                name="credit-note-create",
            ),
            path("aging/", views.AgingView.as_view(), name="aging"),
        ]
        return self.post_process_urls(urls)
