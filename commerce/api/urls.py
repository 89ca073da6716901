"""``/api/``: the same on both hosts; the host decides the pricing context."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from commerce.api.views import (
    approvals,
    auth,
    basket,
    billing,
    catalog,
    checkout,
    company,
    dealers,
    households,
    leads,
    lists,
    members,
    orders,
    quotes,
    webhooks,
)

app_name = "api"

urlpatterns = [
    path("auth/token/", auth.TokenCreateView.as_view(), name="token"),
    path("products/", catalog.ProductListView.as_view(), name="product-list"),
    path("products/<int:pk>/", catalog.ProductDetailView.as_view(), name="product-detail"),
    path("basket/", basket.BasketView.as_view(), name="basket"),
    path("basket/vouchers/", basket.BasketVouchersView.as_view(), name="basket-vouchers"),
    path(
        "basket/vouchers/<str:code>/",
        basket.BasketVoucherView.as_view(),
        name="basket-voucher",
    ),
    path("basket/lines/", basket.BasketLinesView.as_view(), name="basket-lines"),
    path("basket/lines/<int:pk>/", basket.BasketLineView.as_view(), name="basket-line"),
    path("checkout/", checkout.CheckoutView.as_view(), name="checkout"),
    path(
        "invitations/accept/",
        members.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path("invitations/", members.InvitationReferView.as_view(), name="invitation-refer"),
    path("waitlist/", members.WaitlistView.as_view(), name="waitlist"),
    path("orders/", orders.OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", orders.OrderDetailView.as_view(), name="order-detail"),
    path("dealers/", dealers.DealerLocatorView.as_view(), name="dealer-locator"),
    path("dealer/orders/", dealers.DealerOrderListView.as_view(), name="dealer-order-list"),
    path(
        "dealer/orders/<str:number>/",
        dealers.DealerOrderDetailView.as_view(),
        name="dealer-order-detail",
    ),
    *[
        path(
            f"dealer/orders/<str:number>/{action}/",
            dealers.DealerOrderActionView.as_view(action=action),
            name=f"dealer-order-{action}",
        )
        for action in ("accept", "reject", "ship", "delivered")
    ],
    path("dealer/stock/", dealers.DealerStockView.as_view(), name="dealer-stock"),
    path("leads/", leads.LeadCreateView.as_view(), name="lead-create"),
    path("dealer/leads/", leads.DealerLeadListView.as_view(), name="dealer-lead-list"),
    path("dealer/leads/<int:pk>/", leads.DealerLeadDetailView.as_view(), name="dealer-lead-detail"),
    *[
        path(
            f"dealer/leads/<int:pk>/{action}/",
            leads.DealerLeadActionView.as_view(action=action),
            name=f"dealer-lead-{action}",
        )
        for action in ("accept", "reject", "outcome")
    ],
    path("dealer/analytics/", leads.DealerAnalyticsView.as_view(), name="dealer-analytics"),
    path("reports/dealers/", leads.DealerReportView.as_view(), name="report-dealers"),
    path("approvals/", approvals.ApprovalListView.as_view(), name="approval-list"),
    path(
        "approvals/<int:pk>/approve/",
        approvals.ApprovalDecideView.as_view(decision="approve"),
        name="approval-approve",
    ),
    path(
        "approvals/<int:pk>/reject/",
        approvals.ApprovalDecideView.as_view(decision="reject"),
        name="approval-reject",
    ),
    path("invoices/", billing.InvoiceListView.as_view(), name="invoice-list"),
    re_path(
        r"^invoices/(?P<number>[^/]+)\.pdf$", billing.InvoicePDFView.as_view(), name="invoice-pdf"
    ),
    path("invoices/<str:number>/", billing.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("statement/", billing.StatementView.as_view(), name="statement"),
    re_path(r"^statement\.pdf$", billing.StatementPDFView.as_view(), name="statement-pdf"),
    path("invoices/<str:number>/pay/", billing.InvoicePayView.as_view(), name="invoice-pay"),
    path("household/", households.HouseholdView.as_view(), name="household"),
    path(
        "household/invitations/",
        households.InvitationCreateView.as_view(),
        name="household-invitations",
    ),
    path("household/accept/", households.InvitationAcceptView.as_view(), name="household-accept"),
    path("household/members/<int:pk>/", households.MemberView.as_view(), name="household-member"),
    path("household/approvals/", households.ApprovalListView.as_view(), name="household-approvals"),
    path(
        "household/approvals/<int:pk>/approve/",
        households.ApprovalDecideView.as_view(decision="approve"),
        name="household-approval-approve",
    ),
    path(
        "household/approvals/<int:pk>/reject/",
        households.ApprovalDecideView.as_view(decision="reject"),
        name="household-approval-reject",
    ),
    path("lists/", lists.ListsView.as_view(), name="list-list"),
    path("lists/<int:pk>/", lists.ListView.as_view(), name="list-detail"),
    path("lists/<int:pk>/lines/", lists.ListLinesView.as_view(), name="list-lines"),
    path("lists/<int:pk>/to-basket/", lists.ListToBasketView.as_view(), name="list-to-basket"),
    path("quotes/", quotes.QuotesView.as_view(), name="quote-list"),
    path("quotes/<int:pk>/", quotes.QuoteView.as_view(), name="quote-detail"),
    path("quotes/<int:pk>/accept/", quotes.QuoteAcceptView.as_view(), name="quote-accept"),
    path("quotes/<int:pk>/decline/", quotes.QuoteDeclineView.as_view(), name="quote-decline"),
    path("quotes/<int:pk>/counter/", quotes.QuoteCounterView.as_view(), name="quote-counter"),
    path("quotes/<int:pk>/messages/", quotes.QuoteMessageView.as_view(), name="quote-messages"),
    path("quotes/<int:pk>/offer/", quotes.QuoteOfferView.as_view(), name="quote-offer"),
    path("payments/", billing.PaymentCreateView.as_view(), name="payment-create"),
    path("company/", company.CompanyView.as_view(), name="company"),
    path("company/members/", company.MembersView.as_view(), name="company-members"),
    path("company/addresses/", company.AddressesView.as_view(), name="company-addresses"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", webhooks.WebhookDetailView.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:pk>/deliveries/",
        webhooks.WebhookDeliveryListView.as_view(),
        name="webhook-delivery-list",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/redeliver/",
        webhooks.WebhookRedeliverView.as_view(),
        name="webhook-redeliver",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
