from django.contrib.auth.decorators import login_required
from django.urls import path

from portals.storefront import share_views, views

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
    path("basket/share/", share_views.ShareCreateView.as_view(), name="share-create"),
    path("accounts/shared-baskets/", share_views.ShareListView.as_view(), name="share-list"),
    path(
        "accounts/shared-baskets/<int:pk>/cancel/",
        share_views.ShareCancelView.as_view(),
        name="share-cancel",
    ),
    path("shared-basket/<str:token>/", share_views.SharePayView.as_view(), name="share-pay"),
    path("shared-basket/<str:token>/code/", share_views.ShareCodeView.as_view(), name="share-code"),
    path(
        "shared-basket/<str:token>/confirm/",
        share_views.ShareConfirmView.as_view(),
        name="share-confirm",
    ),
    path(
        "shared-basket/<str:token>/lines/", share_views.ShareLinesView.as_view(), name="share-lines"
    ),
    path(
        "shared-basket/<str:token>/decline/",
        share_views.ShareDeclineView.as_view(),
        name="share-decline",
    ),
]
