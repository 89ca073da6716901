"""Who shares a cached storefront page: the key part of the page around the content.

An anonymous visitor's catalogue, category, search and product pages are served
whole from the cache (``catalog.listing_cache``). A signed-in customer's are too:
their content is keyed by catalog, prices (the customer's loyalty tier and price
segments are in the price audience) and visibility (their members' segments)
there; this module answers the rest, everything the storefront's layout shows
that customer: that they are signed in (the account and sign-out links), the
staff flag (the dashboard link) and the mini basket (its version: every write to
the customer's baskets and lines bumps it). Any change to one of them is a new
key, so the next page is rendered afresh.

An anonymous visitor with a basket (and no session) gets whole pages the same
way, keyed by their basket: its id from the signed cookie and its version (every
write to it or its lines bumps it). A cookie that is not ours is not one.

Not cached: pages of an assisted session and pages with messages waiting to be
shown (they are the page's to show, once).
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from commerce import sites
from commerce.basket.summary import (
    anonymous_basket_version,
    cookie_basket_id,
    shown_summary_version,
)
from portals.portal.page_cache import messages_waiting


def shell_audience(request) -> str | None:
    """The key part of the layout around a storefront page for this customer, or
    None when their page is not to be served from the cache."""
    user = request.user
    if not user.is_authenticated or getattr(request, "assisted_session", None) is not None:
        return None
    if messages_waiting(request):
        return None
    parts = [
        "storefront",
        f"u{user.pk}",
        "staff" if user.is_staff else "-",
        str(request.site_info.site_id),
        shown_summary_version(request),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def basket_shell_audience(request, basket_id: int) -> str | None:
    """The same for an anonymous visitor whose (genuine) cookie names ``basket_id``."""
    if request.user.is_authenticated or messages_waiting(request):
        return None
    parts = [
        "storefront-basket",
        f"b{basket_id}",
        str(request.site_info.site_id),
        anonymous_basket_version(basket_id),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class StorefrontPageShellMiddleware:
    """Describes a signed-in customer's storefront page to the page cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.channel == sites.STOREFRONT:
            if request.user.is_authenticated:
                request.page_shell_audience = lambda: shell_audience(request)
            elif settings.SESSION_COOKIE_NAME not in request.COOKIES:
                # (An anonymous session may hold what the page shows: rendered.)
                basket_id = cookie_basket_id(request)
                if basket_id is not None:
                    request.page_shell_audience = lambda: basket_shell_audience(request, basket_id)
        return self.get_response(request)
