from django.contrib.auth.decorators import login_required
from django.urls import path

from commerce.api import pages as api_pages
from portals.storefront import (
    household_views,
    lead_views,
    member_views,
    payer_views,
    share_views,
    views,
)

app_name = "storefront"

urlpatterns = [
    path("members/join/<str:token>/", member_views.JoinView.as_view(), name="members-join"),
    path("members/waitlist/", member_views.WaitlistView.as_view(), name="members-waitlist"),
    path("dealer-request/", lead_views.LeadCreateView.as_view(), name="lead-create"),
    path("dealer-request/<str:token>/", lead_views.LeadStatusView.as_view(), name="lead-view"),
    path(
        "dealer-request/<str:token>/order/",
        lead_views.LeadOrderView.as_view(),
        name="lead-order",
    ),
    path("dealer-survey/<str:token>/", lead_views.SurveyView.as_view(), name="survey"),
    path(
        "accounts/api-tokens/",
        api_pages.PersonalTokensView.as_view(
            template_name="storefront/account/api_tokens.html",
            url_name="storefront:api-token-revoke",
        ),
        name="api-tokens",
    ),
    path(
        "accounts/api-tokens/<int:pk>/revoke/",
        api_pages.PersonalTokenRevokeView.as_view(list_url_name="storefront:api-tokens"),
        name="api-token-revoke",
    ),
    path(
        "accounts/api-tokens/<int:pk>/rotate/",
        api_pages.PersonalTokenRotateView.as_view(
            template_name="storefront/account/api_tokens.html",
            revoke_url_name="storefront:api-token-revoke",
            list_url_name="storefront:api-tokens",
        ),
        name="api-token-rotate",
    ),
    path("accounts/household/", household_views.HouseholdView.as_view(), name="household"),
    path("household/join/<str:token>/", household_views.JoinView.as_view(), name="household-join"),
    path("dealers/", views.DealerLocatorView.as_view(), name="dealer-locator"),
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
    path("shared-basket/<str:token>/", payer_views.SharePayView.as_view(), name="share-pay"),
    path("shared-basket/<str:token>/code/", payer_views.ShareCodeView.as_view(), name="share-code"),
    path(
        "shared-basket/<str:token>/confirm/",
        payer_views.ShareConfirmView.as_view(),
        name="share-confirm",
    ),
    path(
        "shared-basket/<str:token>/lines/", payer_views.ShareLinesView.as_view(), name="share-lines"
    ),
    path(
        "shared-basket/<str:token>/decline/",
        payer_views.ShareDeclineView.as_view(),
        name="share-decline",
    ),
]
