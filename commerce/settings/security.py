"""Security headers, the Content-Security-Policy, proxies and the sign-in lockout."""

from datetime import timedelta

from csp.constants import NONCE, NONE, SELF
from django.urls import reverse_lazy

from commerce.settings.env import PRODUCTION, env_bool, env_int
from commerce.settings.sites import PORTAL_URL, STAFF_URL, STOREFRONT_URL

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
