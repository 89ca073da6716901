"""One settings module, driven by the environment.

With no environment set, the project runs on embedded defaults: a SQLite file,
a local-memory cache, Celery tasks run eagerly and mail goes to the console.
Real services are switched on by env: ``DATABASE_URL`` (PostgreSQL),
``REDIS_URL`` (cache and Celery broker). ``DJANGO_ENV=production`` turns on the
production hardening and refuses to start without a real ``SECRET_KEY``.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  (Oscar's documented way to get its defaults)

from commerce.order import status as order_status

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Environment -----------------------------------------------------------------------

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"
TESTING = "pytest" in sys.modules or env_bool("TESTING")

_DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY")
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs SECRET_KEY set to a random value of at least 50 characters"
    )
SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY
DEBUG = env_bool("DEBUG", default=not PRODUCTION and not TESTING)

# --- Sites: host -> storefront | portal (see commerce/sites.py) --------------------------

STOREFRONT_URL = env_str("STOREFRONT_URL", "http://localhost:8000").rstrip("/")
PORTAL_URL = env_str("PORTAL_URL", "http://b2b.localhost:8000").rstrip("/")
# Optional dedicated host for the dashboard and the admin; by default they are
# served on the storefront host.
STAFF_URL = env_str("STAFF_URL").rstrip("/")


def _host_of(url: str, name: str) -> str:
    host = urlsplit(url).hostname
    if not host:
        raise ImproperlyConfigured(f"{name} must be an absolute URL, got {url!r}")
    return host.lower()


STOREFRONT_HOST = _host_of(STOREFRONT_URL, "STOREFRONT_URL")
PORTAL_HOST = _host_of(PORTAL_URL, "PORTAL_URL")
STAFF_HOST = _host_of(STAFF_URL, "STAFF_URL") if STAFF_URL else ""
if len({STOREFRONT_HOST, PORTAL_HOST, STAFF_HOST} - {""}) != (3 if STAFF_HOST else 2):
    raise ImproperlyConfigured("STOREFRONT_URL, PORTAL_URL and STAFF_URL need distinct hosts")

# django.contrib.sites rows, one per site, kept in step with the URLs above by
# commerce.core (post_migrate). SITE_ID stays None so Oscar's
# Site.objects.get_current(request) follows the request host.
SITE_ID = None
STOREFRONT_SITE_ID = 1
PORTAL_SITE_ID = 2
STAFF_SITE_ID = 3

ALLOWED_HOSTS = [h for h in (STOREFRONT_HOST, PORTAL_HOST, STAFF_HOST) if h]
ROOT_URLCONF = "commerce.urls.storefront"

# --- Applications ----------------------------------------------------------------------

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
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
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
    "commerce.dealers.apps.DealersConfig",
    "commerce.leads.apps.LeadsConfig",
    "commerce.lists.apps.ListsConfig",
    "commerce.members.apps.MembersConfig",
    "commerce.instalments.apps.InstalmentsConfig",
    "commerce.quotes.apps.QuotesConfig",
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
    "commerce.core.attribution.AttributionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which would read the body of an oversize upload.
    "commerce.core.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "commerce.core.middleware.IdOutOfRangeMiddleware",
    "commerce.core.middleware.DomainErrorMiddleware",
    "portals.portal.middleware.PortalAccessMiddleware",
    "commerce.basket.middleware.BasketMiddleware",
    "csp.middleware.CSPMiddleware",
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

# --- Data stores -----------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # A busy SQLite file waits for the writer instead of failing at once.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# Optional read replica (a streaming standby of the primary): catalogue, search
# and product pages read from it, everything else from the primary (see
# commerce/core/replica.py). Without it there is one database. Tests get the
# alias as a mirror of the primary, used only where READ_REPLICA is switched on.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
READ_REPLICA = bool(DATABASE_REPLICA_URL)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2)
    )
elif TESTING:
    DATABASES["replica"] = {
        **DATABASES["default"],
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {})},
    }
if "replica" in DATABASES:
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["commerce.core.replica.ReplicaRouter"]
# After a write (POST, PUT, PATCH, DELETE) a client reads from the primary this long.
READ_REPLICA_STICKY_SECONDS = env_int("READ_REPLICA_STICKY_SECONDS", 10)
# A replica that refused a connection is left alone this long.
READ_REPLICA_RETRY_SECONDS = env_int("READ_REPLICA_RETRY_SECONDS", 30)

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails soft: with Redis unreachable a read is a miss and a write a no-op, so
    # pages keep answering from the database (see commerce/core/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "commerce.core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "commerce"),
            "TIMEOUT": 300,
            "OPTIONS": {
                "socket_connect_timeout": env_float("CACHE_CONNECT_TIMEOUT", 0.25),
                "socket_timeout": env_float("CACHE_SOCKET_TIMEOUT", 0.5),
                "DOWN_SECONDS": env_float("CACHE_DOWN_SECONDS", 5.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database alone: signed-in users stay signed in (and
# signed-out users stay signed out) whatever happens to Redis.
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")

# --- Celery ----------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker there is no worker: run tasks in-process (the embedded default).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it finishes, and a task whose worker process dies
# (SIGKILL, OOM) goes back to the queue instead of being lost, so a task may run
# again after a crash (an import apply is safe to repeat: one transaction,
# guarded by the job's status and row lock).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose whole worker died unacknowledged is delivered again after the
# visibility timeout; every task is stopped well before it (time limits below),
# so a running task is never delivered twice.
TASK_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", TASK_VISIBILITY_TIMEOUT // 2)
CELERY_TASK_SOFT_TIME_LIMIT = env_int(
    "CELERY_TASK_SOFT_TIME_LIMIT", max(1, CELERY_TASK_TIME_LIMIT - 60)
)
if not CELERY_TASK_SOFT_TIME_LIMIT <= CELERY_TASK_TIME_LIMIT < TASK_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "Celery needs CELERY_TASK_SOFT_TIME_LIMIT <= CELERY_TASK_TIME_LIMIT "
        "< CELERY_VISIBILITY_TIMEOUT"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    # Workers look for such tasks every interval x throttle seconds.
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    "socket_connect_timeout": 5,
    "socket_timeout": 30,
    "socket_keepalive": True,
    "retry_on_timeout": True,
    "health_check_interval": 10,
}
# Survive a Redis restart: keep reconnecting, at startup and after a loss.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# With the broker gone, a late-acknowledged task cannot be acknowledged any more
# and will be delivered again: stop it rather than run it twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_DEFAULT_QUEUE = "commerce"
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    "recompute-loyalty-tiers": {
        "task": "accounts.tasks.recompute_loyalty_tiers",
        "schedule": 60 * 60 * 24,
    },
    "credit-control": {
        "task": "commerce.billing.tasks.credit_control",
        "schedule": 60 * 60 * 24,
    },
    "monthly-statements": {
        "task": "commerce.billing.tasks.monthly_statements",
        "schedule": crontab(day_of_month="1", hour="6", minute="0"),
    },
    "approval-reminders-and-expiry": {
        "task": "commerce.approvals.tasks.approvals_housekeeping",
        "schedule": 60 * 60,
    },
    "expire-shared-baskets": {
        "task": "commerce.basket.tasks.expire_basket_shares",
        "schedule": 60 * 60,
    },
    "collect-due-instalments": {
        "task": "commerce.instalments.tasks.collect_due_instalments",
        "schedule": 60 * 60,
    },
    "replenish-shopping-lists": {
        "task": "commerce.lists.tasks.replenish_lists",
        "schedule": 60 * 60,
    },
    "expire-quotes": {
        "task": "commerce.quotes.tasks.expire_quotes",
        "schedule": 60 * 60,
    },
    "purge-old-import-files": {
        "task": "commerce.imports.tasks.purge_import_files",
        "schedule": 60 * 60 * 24,
    },
    "relay-outbox": {
        "task": "commerce.outbox.tasks.relay_outbox",
        "schedule": env_int("OUTBOX_SWEEP_SECONDS", 5),
    },
    "purge-outbox": {
        "task": "commerce.outbox.tasks.purge_outbox",
        "schedule": 60 * 60 * 24,
    },
    "lapse-dealer-offers": {
        "task": "commerce.dealers.tasks.lapse_dealer_offers",
        "schedule": 60 * 5,
    },
    "lapse-lead-offers": {
        "task": "commerce.leads.tasks.lapse_lead_offers",
        "schedule": 60 * 5,
    },
    "flag-stale-leads": {
        "task": "commerce.leads.tasks.flag_stale_leads",
        "schedule": 60 * 60,
    },
    "post-partner-bonuses": {
        "task": "commerce.leads.tasks.post_partner_bonuses",
        "schedule": 60 * 60 * 24,
    },
    "send-dealer-order-surveys": {
        "task": "commerce.leads.tasks.send_order_surveys",
        "schedule": 60 * 60,
    },
    "recompute-dealer-ratings": {
        "task": "commerce.leads.tasks.recompute_dealer_ratings",
        "schedule": 60 * 60 * 24,
    },
}

# Dealer leads: hours a dealer has to accept one, days after acceptance
# without an outcome before it is flagged stale, days a survey link is valid.
LEAD_HOURS_TO_ACCEPT = env_int("LEAD_HOURS_TO_ACCEPT", 24)
LEAD_STALE_DAYS = env_int("LEAD_STALE_DAYS", 14)
SURVEY_LINK_DAYS = env_int("SURVEY_LINK_DAYS", 30)

# --- Outbox and webhooks ---------------------------------------------------------------

# Relay side effects in the web process right after the commit: the embedded
# default (no broker, no worker) and the test suite. With Redis a commit only
# nudges a worker; the beat sweep above delivers whatever a nudge missed.
OUTBOX_INLINE = env_bool("OUTBOX_INLINE", default=not REDIS_URL or TESTING)
# Inline, each commit also relays up to this many other due rows (retries).
OUTBOX_INLINE_SWEEP = env_int("OUTBOX_INLINE_SWEEP", 0 if TESTING else 20)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 10)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 60 * 60)
# Delivered rows are kept this long (the purge runs daily).
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 7)
# A relay that dies mid-row gives it up after this long.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)

WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
# Seconds before each retry of a failed delivery: about a day in all, then failed.
WEBHOOK_RETRY_DELAYS = [
    int(s) for s in env_list("WEBHOOK_RETRY_DELAYS", "10,60,300,1800,3600,7200,14400,28800,28800")
]
# Hosts webhooks may reach even though they resolve to non-public addresses.
WEBHOOK_ALLOWED_HOSTS = env_list(
    "WEBHOOK_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,::1"
)
# Allow every private address (a closed network where the receivers live).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE")

# --- Mail ------------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# The sender's name is the shop's name.
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", f"{env_str('SHOP_NAME', 'Northwind Supply')} <no-reply@commerce.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL

# --- I18n, static, media ---------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded import files (price lists, contract prices) are never public: they live
# outside MEDIA_ROOT and are served only through a view that checks the staff
# permission; they are deleted after IMPORT_FILE_RETENTION_DAYS.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30)

# Upload limits, checked on the request's size before the body is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = env_int(
    "IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024
)
IMPORT_MAX_XLSX_ENTRIES = env_int("IMPORT_MAX_XLSX_ENTRIES", 10_000)
QUICK_ORDER_MAX_UPLOAD_BYTES = env_int("QUICK_ORDER_MAX_UPLOAD_BYTES", 512 * 1024)
# Any other view (an image in the dashboard, say).
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

# Media files are served by Django itself only in development; production puts
# a web server or object storage in front (see README).
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=not PRODUCTION)
# Development and tests serve static files straight from the apps, no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security --------------------------------------------------------------------------

CSRF_TRUSTED_ORIGINS = [u for u in (STOREFRONT_URL, PORTAL_URL, STAFF_URL) if u]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Browser features no page of ours uses (the Permissions-Policy header).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# Content-Security-Policy on every response (django-csp). Scripts come only from
# our static files, or carry the request's nonce (Oscar's page-load block).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Oscar's templates and widgets set inline style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}

# How many reverse proxies of ours sit in front of the app and append to
# X-Forwarded-For. 0 (the default): the header is ignored, the peer address is
# the client. One rule for sign-in lockout and API throttles
# (commerce/core/client_ip.py; DRF's NUM_PROXIES below).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Sign-in lockout (django-axes, accounts/lockout.py): an account is locked after
# LOGIN_FAILURE_LIMIT failures from any address, an address after
# LOGIN_IP_FAILURE_LIMIT failures on any accounts, for LOGIN_COOLOFF_MINUTES.
AXES_ENABLED = env_bool("LOGIN_LOCKOUT_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_username"
AXES_CLIENT_IP_CALLABLE = "commerce.core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Attempts made while locked out do not push the end of the lock further out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in does not wipe the address's failures on other accounts.
AXES_RESET_ON_SUCCESS = False
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    OSCAR_BASKET_COOKIE_SECURE = True
    OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True
    OSCAR_URL_SCHEMA = "https"

LOGIN_URL = reverse_lazy("customer:login")
LOGIN_REDIRECT_URL = "/"

# --- Oscar -----------------------------------------------------------------------------

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

# --- Logging ---------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "oscar.thumbnail": {"level": "WARNING"},
    },
}

# --- Accounts --------------------------------------------------------------------------

# How long an emailed invitation link stays valid.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
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
