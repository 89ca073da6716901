"""Background work: Celery, its beat schedule, the outbox relay and webhooks."""

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from commerce.settings.env import PRODUCTION, TESTING, env_bool, env_int, env_list
from commerce.settings.stores import REDIS_URL

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
    "expire-assisted-sessions": {
        "task": "accounts.tasks.expire_assisted_sessions",
        "schedule": 60 * 15,
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
    "remind-instalments": {
        "task": "commerce.instalments.tasks.remind_instalments",
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
    "drain-product-views": {
        "task": "catalog.tasks.drain_product_views",
        "schedule": env_int("PRODUCT_VIEWS_DRAIN_SECONDS", 30),
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
# Listing price maps (``catalog.price_map``): catalogs up to this many visible
# products are priced on the request; larger ones only in the background.
CATALOG_PRICES_INLINE_LIMIT = env_int("CATALOG_PRICES_INLINE_LIMIT", 500)
# Results priced live for a price filter or sort before any map is built.
CATALOG_PRICES_LIVE_LIMIT = env_int("CATALOG_PRICES_LIVE_LIMIT", 500)
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
