from django.urls import path

from commerce.api import pages as api_pages
from portals.portal import (
    approval_views,
    assisted,
    company_views,
    dealer_views,
    invoice_views,
    lead_views,
    list_views,
    order_views,
    quick_order,
    quote_views,
    views,
)

app_name = "portal"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("signup/done/", views.SignupDoneView.as_view(), name="signup-done"),
    path(
        "invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path("company/switch/", views.SwitchCompanyView.as_view(), name="switch-company"),
    path(
        "api-tokens/",
        api_pages.PersonalTokensView.as_view(
            template_name="portal/api_tokens.html", url_name="portal:api-token-revoke"
        ),
        name="api-tokens",
    ),
    path(
        "api-tokens/<int:pk>/revoke/",
        api_pages.PersonalTokenRevokeView.as_view(list_url_name="portal:api-tokens"),
        name="api-token-revoke",
    ),
    path(
        "api-tokens/<int:pk>/rotate/",
        api_pages.PersonalTokenRotateView.as_view(
            template_name="portal/api_tokens.html",
            revoke_url_name="portal:api-token-revoke",
            list_url_name="portal:api-tokens",
        ),
        name="api-token-rotate",
    ),
    path("dealer/orders/", dealer_views.DealerQueueView.as_view(), name="dealer-queue"),
    path("dealer/leads/", lead_views.DealerLeadsView.as_view(), name="dealer-leads"),
    *[
        path(
            f"dealer/leads/<int:pk>/{action}/",
            lead_views.DealerLeadActionView.as_view(action=action),
            name=f"dealer-lead-{action}",
        )
        for action in ("accept", "reject", "outcome")
    ],
    path("dealer/analytics/", lead_views.DealerAnalyticsView.as_view(), name="dealer-analytics"),
    path("dealer/stock/", dealer_views.DealerStockUploadView.as_view(), name="dealer-stock"),
    path(
        "dealer/orders/<str:number>/",
        dealer_views.DealerOrderView.as_view(),
        name="dealer-order",
    ),
    *[
        path(
            f"dealer/orders/<str:number>/{action}/",
            dealer_views.DealerOrderActionView.as_view(action=action),
            name=f"dealer-order-{action}",
        )
        for action in ("accept", "reject", "ship", "delivered")
    ],
    path("assist/<int:pk>/", assisted.AssistedBeginView.as_view(), name="assisted-begin"),
    path("assist/end/", assisted.AssistedEndView.as_view(), name="assisted-end"),
    path("assist/ended/", assisted.AssistedEndedView.as_view(), name="assisted-ended"),
    path(
        "company/assisted-sessions/",
        assisted.CompanyAssistedSessionsView.as_view(),
        name="assisted-sessions",
    ),
    path(
        "company/assisted-sessions/<int:pk>/end/",
        assisted.CompanyAssistedSessionEndView.as_view(),
        name="assisted-session-end",
    ),
    path("company/", company_views.CompanyView.as_view(), name="company"),
    path("company/members/", company_views.MembersView.as_view(), name="members"),
    path(
        "company/members/<int:pk>/role/",
        company_views.MemberRoleView.as_view(),
        name="member-role",
    ),
    path(
        "company/members/<int:pk>/deactivate/",
        company_views.MemberActiveView.as_view(active=False),
        name="member-deactivate",
    ),
    path(
        "company/members/<int:pk>/reactivate/",
        company_views.MemberActiveView.as_view(active=True),
        name="member-reactivate",
    ),
    path(
        "company/invitations/<int:pk>/revoke/",
        company_views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path(
        "company/invitations/<int:pk>/resend/",
        company_views.InvitationResendView.as_view(),
        name="invitation-resend",
    ),
    path(
        "company/addresses/new/", company_views.AddressCreateView.as_view(), name="address-create"
    ),
    path(
        "company/addresses/<int:pk>/",
        company_views.AddressUpdateView.as_view(),
        name="address-update",
    ),
    path(
        "company/addresses/<int:pk>/default/",
        company_views.AddressDefaultView.as_view(),
        name="address-default",
    ),
    path(
        "company/addresses/<int:pk>/remove/",
        company_views.AddressRemoveView.as_view(),
        name="address-remove",
    ),
    path("orders/", order_views.OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", order_views.OrderDetailView.as_view(), name="order-detail"),
    path(
        "orders/<str:number>/confirmation.pdf",
        order_views.OrderConfirmationView.as_view(),
        name="order-confirmation",
    ),
    path("orders/<str:number>/reorder/", order_views.ReorderView.as_view(), name="order-reorder"),
    path("orders/<str:number>/edit/", order_views.OrderEditView.as_view(), name="order-edit"),
    path("invoices/", invoice_views.InvoiceListView.as_view(), name="invoice-list"),
    path("invoices/statement/", invoice_views.StatementView.as_view(), name="statement"),
    path("invoices/pay/", invoice_views.InvoicePayView.as_view(), name="invoice-pay"),
    path(
        "invoices/statement/pdf/",
        invoice_views.StatementPDFView.as_view(),
        name="statement-pdf",
    ),
    path(
        "invoices/credit-notes/<str:number>/pdf/",
        invoice_views.CreditNotePDFView.as_view(),
        name="credit-note-pdf",
    ),
    path(
        "invoices/<str:number>/", invoice_views.InvoiceDetailView.as_view(), name="invoice-detail"
    ),
    path("invoices/<str:number>/pdf/", invoice_views.InvoicePDFView.as_view(), name="invoice-pdf"),
    path("approvals/", approval_views.InboxView.as_view(), name="approval-inbox"),
    path("approvals/rules/", approval_views.RuleListView.as_view(), name="approval-rules"),
    path(
        "approvals/rules/<int:pk>/remove/",
        approval_views.RuleRemoveView.as_view(),
        name="approval-rule-remove",
    ),
    path(
        "approvals/<int:pk>/", approval_views.ApprovalDetailView.as_view(), name="approval-detail"
    ),
    path("approvals/<int:pk>/decide/", approval_views.DecideView.as_view(), name="approval-decide"),
    path(
        "orders/<str:number>/cancel/",
        approval_views.CancelPendingOrderView.as_view(),
        name="order-cancel",
    ),
    path("quick-order/", quick_order.QuickOrderView.as_view(), name="quick-order"),
    path("lists/", list_views.ListIndexView.as_view(), name="list-index"),
    path("lists/add/", list_views.AddToListView.as_view(), name="list-add"),
    path("lists/<int:pk>/", list_views.ListDetailView.as_view(), name="list-detail"),
    path("lists/<int:pk>/export.csv", list_views.ListExportView.as_view(), name="list-export"),
    path(
        "orders/<str:number>/to-list/",
        list_views.OrderToListView.as_view(),
        name="order-to-list",
    ),
    path("quotes/", quote_views.QuoteListView.as_view(), name="quote-list"),
    path("quotes/request/", quote_views.QuoteRequestView.as_view(), name="quote-request"),
    path("quotes/<int:pk>/", quote_views.QuoteDetailView.as_view(), name="quote-detail"),
    path("quick-order/skus/", quick_order.SkuSuggestView.as_view(), name="sku-suggest"),
]
