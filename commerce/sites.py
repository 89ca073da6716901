"""Host -> site routing.

One project serves two sites from one database: the **storefront** (B2C) and
the **portal** (B2B), plus optionally a dedicated **staff** host for the
dashboard and the admin. Each site has its own URLconf and layout; the host of
the request decides which. An unknown host is refused with a 400.

The sites' public URLs come from settings (``STOREFRONT_URL``, ``PORTAL_URL``,
``STAFF_URL``); ``django.contrib.sites`` rows are kept in step with them after
every migrate (see ``commerce.core.apps``) so Oscar's
``Site.objects.get_current(request)`` resolves to the same site.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBadRequest
from django.http.request import split_domain_port
from django.urls import reverse, set_urlconf
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

STOREFRONT = "storefront"
PORTAL = "portal"
STAFF = "staff"


@dataclass(frozen=True)
class SiteInfo:
    channel: str
    site_id: int
    host: str
    base_url: str
    name: str
    urlconf: str
    layout_template: str
    # The site's tax display, the one place that says it: the storefront shows
    # and charges gross prices (VAT included), the portal net ones.
    prices_include_tax: bool = True

    @property
    def is_portal(self) -> bool:
        return self.channel == PORTAL

    def shown(self, price):
        """The amount of ``price`` (an Oscar price or total) this site shows."""
        return price.incl_tax if self.prices_include_tax else price.excl_tax

    @property
    def tax_label(self) -> str:
        """What every amount this site shows is: "incl. VAT" (storefront) or
        "excl. VAT" (portal, which then shows VAT on a line of its own)."""
        return str(_("incl. VAT")) if self.prices_include_tax else str(_("excl. VAT"))


@functools.cache
def all_sites() -> dict[str, SiteInfo]:
    """Every configured site by channel."""
    sites = {
        STOREFRONT: SiteInfo(
            channel=STOREFRONT,
            site_id=settings.STOREFRONT_SITE_ID,
            host=settings.STOREFRONT_HOST,
            base_url=settings.STOREFRONT_URL,
            name=settings.OSCAR_SHOP_NAME,
            urlconf="commerce.urls.storefront",
            layout_template="storefront/layout.html",
        ),
        PORTAL: SiteInfo(
            channel=PORTAL,
            site_id=settings.PORTAL_SITE_ID,
            host=settings.PORTAL_HOST,
            base_url=settings.PORTAL_URL,
            name=settings.PORTAL_NAME,
            urlconf="commerce.urls.portal",
            layout_template="portal/layout.html",
            prices_include_tax=False,
        ),
    }
    if settings.STAFF_HOST:
        sites[STAFF] = SiteInfo(
            channel=STAFF,
            site_id=settings.STAFF_SITE_ID,
            host=settings.STAFF_HOST,
            base_url=settings.STAFF_URL,
            name=f"{settings.OSCAR_SHOP_NAME} staff",
            urlconf="commerce.urls.staff",
            layout_template="storefront/layout.html",
        )
    return sites


@functools.cache
def _sites_by_host() -> dict[str, SiteInfo]:
    return {info.host: info for info in all_sites().values()}


@receiver(setting_changed)
def _forget_routes(**kwargs) -> None:
    all_sites.cache_clear()
    _sites_by_host.cache_clear()


def site_for_host(host: str) -> SiteInfo | None:
    domain, _port = split_domain_port(host)
    return _sites_by_host().get(domain.lower())


def get_site(channel: str) -> SiteInfo:
    return all_sites()[channel]


def site_labels() -> dict[int, str]:
    """What staff pages and reports call each ordering site (by Site id)."""
    return {settings.STOREFRONT_SITE_ID: _("Storefront"), settings.PORTAL_SITE_ID: _("Portal")}


def channel_of_site_id(site_id: int | None) -> str:
    """The channel of a ``django.contrib.sites`` id (a basket's or an order's)."""
    return PORTAL if site_id == settings.PORTAL_SITE_ID else STOREFRONT


def prices_include_tax(channel: str) -> bool:
    """Whether ``channel``'s prices include tax (``SiteInfo.prices_include_tax``)."""
    site = all_sites().get(channel)
    return site.prices_include_tax if site is not None else True  # staff pages: as the storefront


def staff_site() -> SiteInfo:
    """Where the dashboard and admin are served."""
    sites = all_sites()
    return sites.get(STAFF, sites[STOREFRONT])


def site_url(channel: str, viewname: str, *args, **kwargs) -> str:
    """Absolute URL of a named view on a given site (for emails and cross-site links)."""
    info = get_site(channel)
    return info.base_url + reverse(viewname, urlconf=info.urlconf, args=args, kwargs=kwargs)


class SiteRoutingMiddleware:
    """Pick the site from the request host; refuse hosts we do not serve.

    Sets ``request.site_info`` (a :class:`SiteInfo`), ``request.channel``,
    ``request.site`` (the ``django.contrib.sites`` row, loaded lazily) and
    ``request.urlconf``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        # get_host() validates against ALLOWED_HOSTS (built from the same
        # settings) and raises DisallowedHost -> 400 for anything else.
        info = site_for_host(request.get_host())
        if info is None:
            return HttpResponseBadRequest("Unknown host.", content_type="text/plain; charset=utf-8")
        request.site_info = info
        request.channel = info.channel
        request.site = SimpleLazyObject(lambda: Site.objects.get_current(request))
        request.urlconf = info.urlconf
        set_urlconf(info.urlconf)
        return self.get_response(request)


def site_context(request: HttpRequest) -> dict:
    """Template context: which site is rendering, and its layout."""
    info: SiteInfo | None = getattr(request, "site_info", None)
    if info is None:
        info = get_site(STOREFRONT)
    return {
        "site_info": info,
        "channel": info.channel,
        "tax_label": info.tax_label,
        "site_layout": info.layout_template,
        "storefront_url": get_site(STOREFRONT).base_url,
        "portal_url": get_site(PORTAL).base_url,
    }
