"""Oscar: the shop, its dashboard menu, order statuses, the seller and VAT."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  (Oscar's documented way to get its defaults)

from commerce.order import status as order_status
from commerce.settings.env import env_str

OSCAR_SHOP_NAME = env_str("SHOP_NAME", "Northwind Supply")
OSCAR_SHOP_TAGLINE = _("Tools, fasteners and workshop supplies")
PORTAL_NAME = env_str("PORTAL_NAME", "Northwind Business")
OSCAR_DEFAULT_CURRENCY = env_str("CURRENCY", "EUR")

# The seller's legal block and payment instructions on invoices, credit notes
# and statements.
SELLER = {
    "name": env_str("SELLER_NAME", "Northwind Supply GmbH"),
    "address": env_str("SELLER_ADDRESS", "Werkstraße 12, 10115 Berlin, Germany"),
    "vat_id": env_str("SELLER_VAT_ID", "DE123456789"),
    "registration": env_str("SELLER_REGISTRATION", "Amtsgericht Berlin-Charlottenburg HRB 123456"),
    "email": env_str("SELLER_EMAIL", "billing@northwind.example"),
}
PAYMENT_INSTRUCTIONS = {
    "bank": env_str("SELLER_BANK", "Example Bank AG"),
    "account_holder": env_str("SELLER_ACCOUNT_HOLDER", "Northwind Supply GmbH"),
    "iban": env_str("SELLER_IBAN", "DE89 3704 0044 0532 0130 00"),
    "bic": env_str("SELLER_BIC", "COBADEFFXXX"),
}
OSCAR_CURRENCY_FORMAT = {"EUR": {"format": "€#,##0.00", "format_type": "standard"}}
OSCAR_HOMEPAGE = reverse_lazy("home")
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_ALLOW_ANON_REVIEWS = False
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_THUMBNAILER = "commerce.core.thumbnails.FileThumbnailer"
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
OSCAR_SAVE_SENT_EMAILS_TO_DB = True
OSCAR_EAGER_ALERTS = False
OSCAR_HIDDEN_FEATURES = ["wishlists", "reviews"]

OSCAR_INITIAL_ORDER_STATUS = order_status.PLACED
OSCAR_INITIAL_LINE_STATUS = order_status.PLACED
OSCAR_ORDER_STATUS_PIPELINE = order_status.PIPELINE
OSCAR_LINE_STATUS_PIPELINE = order_status.PIPELINE
OSCAR_ORDER_STATUS_CASCADE = order_status.CASCADE

# Oscar's dashboard menu, with our back-office sections added.
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION[:3],  # noqa: F405
    {
        "label": _("Companies"),
        "icon": "fas fa-building",
        "url_name": "dashboard:company-list",
    },
    {
        "label": _("Approvals"),
        "icon": "fas fa-check-double",
        "url_name": "dashboard:approval-list",
    },
    {
        "label": _("Quotes"),
        "icon": "fas fa-file-signature",
        "url_name": "dashboard:quote-list",
    },
    {
        "label": _("Credit & invoices"),
        "icon": "fas fa-file-invoice",
        "children": [
            {"label": _("Credit accounts"), "url_name": "dashboard:credit-account-list"},
            {"label": _("Invoices"), "url_name": "dashboard:invoice-list"},
            {"label": _("Aging report"), "url_name": "dashboard:aging"},
        ],
    },
    {
        "label": _("Sales reports"),
        "icon": "fas fa-chart-line",
        "url_name": "dashboard:sales-report-index",
    },
    {
        "label": _("API tokens"),
        "icon": "fas fa-key",
        "url_name": "dashboard:api-token-list",
    },
    {
        "label": _("Integrations"),
        "icon": "fas fa-plug",
        "children": [
            {"label": _("Webhooks"), "url_name": "dashboard:webhook-list"},
            {"label": _("Outbox"), "url_name": "dashboard:outbox-list"},
        ],
    },
    {
        "label": _("Dealers"),
        "icon": "fas fa-store",
        "children": [
            {"label": _("Dealers"), "url_name": "dashboard:dealer-list"},
            {"label": _("Lapsed and rejected offers"), "url_name": "dashboard:dealer-offers"},
            {"label": _("Route this order"), "url_name": "dashboard:dealer-dry-run"},
        ],
    },
    {
        "label": _("Pricing"),
        "icon": "fas fa-tags",
        "children": [
            {"label": _("Price lists"), "url_name": "dashboard:pricelist-list"},
            {"label": _("Why this price?"), "url_name": "dashboard:price-trace"},
            {"label": _("Loyalty tiers"), "url_name": "dashboard:loyalty-list"},
            {"label": _("Imports"), "url_name": "dashboard:import-list"},
        ],
    },
    *OSCAR_DASHBOARD_NAVIGATION[3:],  # noqa: F405
]

for _section in OSCAR_DASHBOARD_NAVIGATION:
    if any(
        c.get("url_name") == "dashboard:catalogue-product-list"
        for c in _section.get("children", [])
    ):
        _section["children"] = [
            *_section["children"],
            {"label": _("Assortments"), "url_name": "dashboard:catalogue-assortment-list"},
        ]

# VAT applied to net prices where a site shows gross prices (the storefront).
# Rates are decimal strings so they never pass through a float.
DEFAULT_TAX_RATE = env_str("DEFAULT_TAX_RATE", "0.19")

# Haystack is only here because Oscar's search app imports it; browsing and
# search run on the ORM (PostgreSQL full-text search when available).
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
