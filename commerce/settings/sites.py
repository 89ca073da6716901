"""Hosts: which URL is the storefront, the portal and (optionally) the staff host."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from commerce.settings.env import env_str

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
