"""The business rules' settings: accounts, payments, shipping, approvals and
the REST API."""

from commerce.settings.env import env_int, env_list, env_str
from commerce.settings.oscar import OSCAR_SHOP_NAME
from commerce.settings.security import TRUSTED_PROXY_COUNT

# How long an emailed invitation link stays valid.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# An assisted session (staff buying on a member's behalf) ends after this long idle.
ASSISTED_SESSION_IDLE_MINUTES = env_int("ASSISTED_SESSION_IDLE_MINUTES", 120)
# Who hears about new business sign-ups awaiting approval.
SALES_TEAM_EMAILS = env_list("SALES_TEAM_EMAILS", "sales@commerce.example")

# --- Payments ---------------------------------------------------------------------------

# The card gateway (dotted path to a commerce.payments.gateway.PaymentGateway).
# The sandbox charges nobody; production sets its real gateway here.
PAYMENT_GATEWAY = env_str("PAYMENT_GATEWAY", "commerce.payments.sandbox.SandboxGateway")
# The sandbox's answer time for every authorization (to measure how checkout
# behaves with a slow gateway), and for its slow test card 4000 0000 0000 3220.
SANDBOX_GATEWAY_LATENCY_MS = env_int("SANDBOX_GATEWAY_LATENCY_MS", 0)
SANDBOX_SLOW_CARD_MS = env_int("SANDBOX_SLOW_CARD_MS", 2000)

# --- Shipping ---------------------------------------------------------------------------

# Product pages say when an order ships (``commerce/shipping/estimate.py``):
# orders placed before the cut-off (local time, working days) leave the same day,
# plus this many working days of handling.
DELIVERY_CUTOFF = env_str("DELIVERY_CUTOFF", "14:00")
DELIVERY_HANDLING_DAYS = env_int("DELIVERY_HANDLING_DAYS", 0)

# Per site: a flat charge, free from a basket total; both gross (incl. VAT) on the
# storefront and net on the portal, as each site shows prices. The first method
# is the default.
SHIPPING_METHODS = {
    "storefront": [
        {
            "code": "standard",
            "name": "Standard delivery (2-4 days)",
            "charge": "4.95",
            "free_over": "50.00",
        },
        {"code": "express", "name": "Express delivery (next day)", "charge": "12.90"},
    ],
    "portal": [
        {"code": "freight", "name": "B2B freight", "charge": "25.00", "free_over": "500.00"},
        {"code": "express-freight", "name": "Express freight (next day)", "charge": "60.00"},
    ],
}

# --- Approvals --------------------------------------------------------------------------

# Pending approval requests are reminded after this many days and expire
# (releasing stock and credit) after that many.
APPROVAL_REMINDER_DAYS = env_int("APPROVAL_REMINDER_DAYS", 2)
APPROVAL_EXPIRY_DAYS = env_int("APPROVAL_EXPIRY_DAYS", 14)

# A shared basket's payment link expires after this many days (the basket then
# goes back to its owner).
BASKET_SHARE_DAYS = env_int("BASKET_SHARE_DAYS", 7)

# --- Instalments ------------------------------------------------------------------------

# Days before an instalment is due that its reminder is emailed (once per part).
INSTALMENT_REMINDER_DAYS = env_int("INSTALMENT_REMINDER_DAYS", 3)

# --- REST API ---------------------------------------------------------------------------

# Personal API tokens expire this many days after they are issued or rotated;
# integration tokens (created by staff) do not expire.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so an unauthenticated call is a 401 with WWW-Authenticate: Token.
        "commerce.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["commerce.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "commerce.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "commerce.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "120/minute"),
        "auth": env_str("API_AUTH_RATE", "10/minute"),
        "leads": env_str("API_LEADS_RATE", "10/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttles identify clients by the same rule as the sign-in lockout.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": f"{OSCAR_SHOP_NAME} API",
    "DESCRIPTION": (
        "The storefront and the business portal over HTTP. The host decides the "
        "site and so the prices; on the portal, X-Company picks the active company."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # ReDoc's search runs in a blob: worker, which the Content-Security-Policy refuses.
    "REDOC_UI_SETTINGS": {"disableSearch": True},
    "ENUM_NAME_OVERRIDES": {
        "InvoiceStatusEnum": "commerce.billing.models.Invoice.State",
        "LeadLostReasonEnum": "commerce.leads.models.LOST_REASONS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "commerce.api.schema.add_error_responses",
    ],
}
