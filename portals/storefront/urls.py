from django.contrib.auth.decorators import login_required
from django.urls import path

from portals.storefront import views

app_name = "storefront"

urlpatterns = [
    path("accounts/loyalty/", login_required(views.LoyaltyView.as_view()), name="loyalty"),
    path(
        "accounts/invoices/", login_required(views.InvoiceListView.as_view()), name="invoice-list"
    ),
    path(
        "accounts/invoices/<str:number>/",
        login_required(views.InvoiceDetailView.as_view()),
        name="invoice-detail",
    ),
    path(
        "accounts/invoices/<str:number>/pdf/",
        login_required(views.InvoicePDFView.as_view()),
        name="invoice-pdf",
    ),
]
