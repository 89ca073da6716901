"""Installed applications, middleware, authentication and templates."""

from commerce.settings.env import BASE_DIR, TESTING

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "django.forms",
    # Oscar, with the apps we extend forked the Oscar way (labels unchanged)
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "commerce.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "commerce.shipping.apps.ShippingConfig",
    "catalog.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "commerce.communication.apps.CommunicationConfig",
    "pricing.apps.PartnerConfig",
    "commerce.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "commerce.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "commerce.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "commerce.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "commerce.dashboard.orders.apps.OrdersDashboardConfig",
    "commerce.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "commerce.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "accounts.dashboard.apps.CompaniesDashboardConfig",
    "pricing.dashboard.apps.PricingDashboardConfig",
    "commerce.imports.dashboard.apps.ImportsDashboardConfig",
    "commerce.billing.dashboard.apps.BillingDashboardConfig",
    "commerce.dealers.dashboard.apps.DealersDashboardConfig",
    "commerce.approvals.dashboard.apps.ApprovalsDashboardConfig",
    "commerce.quotes.dashboard.apps.QuotesDashboardConfig",
    "commerce.reports.apps.SalesReportsDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    # Ours
    "commerce.core.apps.CoreConfig",
    "accounts.apps.AccountsConfig",
    "commerce.demo.apps.DemoConfig",
    "commerce.imports.apps.ImportsConfig",
    "commerce.billing.apps.BillingConfig",
    "commerce.approvals.apps.ApprovalsConfig",
    "commerce.households.apps.HouseholdsConfig",
    "commerce.dealers.apps.DealersConfig",
    "commerce.leads.apps.LeadsConfig",
    "commerce.lists.apps.ListsConfig",
    "commerce.members.apps.MembersConfig",
    "commerce.instalments.apps.InstalmentsConfig",
    "commerce.quotes.apps.QuotesConfig",
    "commerce.orderedit.apps.OrderEditConfig",
    "commerce.payments.apps.PaymentsConfig",
    "portals.apps.PortalsConfig",
    "commerce.api.apps.ApiConfig",
    "commerce.api.dashboard.apps.ApiDashboardConfig",
    "commerce.outbox.apps.OutboxConfig",
    "commerce.outbox.dashboard.apps.OutboxDashboardConfig",
    "commerce.webhooks.apps.WebhooksConfig",
    "commerce.webhooks.dashboard.apps.WebhooksDashboardConfig",
]

AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password work.
    "axes.backends.AxesStandaloneBackend",
    # The only backend that checks passwords (one hash per attempt, known email or not).
    "accounts.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing cost is irrelevant to what the tests check and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Host routing runs first so an unknown host is refused before anything else.
    "commerce.sites.SiteRoutingMiddleware",
    "commerce.core.middleware.NulCharacterMiddleware",
    # Decides per request whether its reads may use the read replica (if any).
    "commerce.core.replica.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Reads the request's cache keys ahead, a round trip per stage (its session first).
    "commerce.core.cache.SharedReadsMiddleware",
    "commerce.core.attribution.AttributionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which would read the body of an oversize upload.
    "commerce.core.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.authentication.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "commerce.core.middleware.IdOutOfRangeMiddleware",
    "commerce.core.middleware.DomainErrorMiddleware",
    # A staff member acting for a company member: before the portal's access check.
    "portals.portal.assisted.AssistedSessionMiddleware",
    "portals.portal.middleware.PortalAccessMiddleware",
    "portals.storefront.page_cache.StorefrontPageShellMiddleware",
    "commerce.basket.middleware.BasketMiddleware",
    "commerce.core.csp.ContentSecurityPolicyMiddleware",
    "commerce.core.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.core.context_processors.metadata",
                "commerce.sites.site_context",
                "portals.portal.context_processors.portal",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Form widgets render through the project's templates, so our overrides of
# Oscar's widget templates (no inline handlers) apply.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "commerce.wsgi.application"
