"""Listing fragments cached per audience.

The listing of a catalogue, category or search page (sidebar, facets, product
cards, pagination) is the same for everyone who sees the same catalog at the
same prices with the same basket rights. It is cached under a key made of:

* the view and the full path (page, sort, filters, query),
* the visibility audience (``catalog.visibility.audience_key``: site, and the
  company or tier only when a restriction names it),
* the price audience (``request.strategy.price_audience()``: the price lists of
  the company's contract and tier, or the consumer's loyalty tier),
* the member's role (whether cards offer "Add to basket"), the language,
* the version of every kind of catalog change (``catalog.versions``).

A change of any kind bumps its version, so the next request renders afresh;
nothing is ever served after the change that retired it. The CSRF token of the
cards' forms is left as a placeholder in the cache and filled in per response.
The basket and checkout never read this cache: they price live. With Redis
down the cache answers misses and pages render uncached.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from catalog import visibility
from catalog.versions import catalog_versions
from commerce import sites
from commerce.core.cache import cache, register_read_ahead, shared_reads
from commerce.core.sessions import USER_STAGE, session_user_id
from commerce.shipping.estimate import estimate_period

CSRF_PLACEHOLDER = "__listing_csrf_token__"
TIMEOUT = 10 * 60


def _short(parts: list[str]) -> str:
    """One cache key of bounded length (memcached refuses keys over 250 bytes):
    the readable prefix, then a digest of everything that makes it unique."""
    digest = hashlib.sha256(":".join(parts).encode()).hexdigest()
    return f"{parts[0]}:{parts[1]}:{digest}"


def _audience(request, *, site, company) -> list[str]:
    """Who sees a listing alike, and the versions of what it shows."""
    membership = getattr(request, "membership", None)
    return [
        visibility.audience_key(site=site, company=company),
        request.strategy.price_audience(),
        str(getattr(membership, "role", "-")),
        get_language() or "",
        catalog_versions(),
        estimate_period(),
    ]


def key(request, *, view: str, site, company) -> str:
    path = hashlib.sha1(request.get_full_path().encode()).hexdigest()  # noqa: S324 - a cache key
    return _short(["catalog:listing", view, *_audience(request, site=site, company=company), path])


def card_key_prefix(request, *, site, company) -> str:
    """The key of a product card (``catalog.cards``) less the product's id: the
    listing's key without the view and the path."""
    return _short(["catalog:card", "-", *_audience(request, site=site, company=company)])


def get(cache_key: str) -> str | None:
    return cache.get(cache_key)


def put(cache_key: str, html: str) -> None:
    cache.set(cache_key, html, TIMEOUT)


def fill(html: str, request) -> str:
    """The cached fragment for this response (its own CSRF token)."""
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308 - our render


# --- whole pages for anonymous storefront visitors -----------------------------------------

NONCE_PLACEHOLDER = "__page_csp_nonce__"
# A visitor who has any of these sees something of their own on the page (their
# basket in the header: the basket cookie is named per site, e.g.
# ``oscar_open_basket_storefront``, so it is matched by its prefix). The
# recently-viewed cookie is not one of them: the product page, the one page that
# shows it, keeps that part as a slot filled per response.
PERSONAL_COOKIES = (
    "OSCAR_BASKET_COOKIE_OPEN",
    "SESSION_COOKIE_NAME",
)


def page_cacheable(request) -> bool:
    """An anonymous storefront visitor with nothing of their own to show: the page
    is the same for every such visitor and may be served whole from the cache."""
    if request.method != "GET" or getattr(request, "channel", None) != sites.STOREFRONT:
        return False
    # A messages cookie deleted after its messages were shown may come back empty.
    if request.user.is_authenticated or request.COOKIES.get("messages"):
        return False
    personal = tuple(getattr(settings, name) for name in PERSONAL_COOKIES)
    return not any(name.startswith(personal) for name in request.COOKIES)


def page_key(request, *, view: str) -> str:
    path = hashlib.sha1(  # noqa: S324 - a cache key
        f"{request.get_host()}|{request.get_full_path()}".encode()
    ).hexdigest()
    return _short(
        [
            "catalog:anonymous-page",
            view,
            visibility.audience_key(site=request.channel, company=None),
            # The visitor's prices: promotions in scope (and their windows) are part of it.
            request.strategy.price_audience(),
            get_language() or "",
            catalog_versions(),
            estimate_period(),
            path,
        ]
    )


def placeholders() -> dict:
    """Context entries that keep per-response values out of a cached page."""
    return {"csrf_token": CSRF_PLACEHOLDER, "CSP_NONCE": NONCE_PLACEHOLDER}


def fill_page(html: str, request) -> str:
    html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in html:
        html = html.replace(NONCE_PLACEHOLDER, str(getattr(request, "csp_nonce", "")))
    return html


# --- whole pages for signed-in members ------------------------------------------------------
#
# The site that signs a member in (the portal) says who shares a page: it hangs
# ``request.page_shell_audience`` on the request, a callable answering the key
# part of everything the page around the content shows that member (who they
# are, their companies and role, their mini basket, banners) or None when the
# page must be rendered (an assisted session, messages waiting). Access checks
# run before the view on every request, so a cached page never outlives them.


def member_page_audience(request) -> str | None:
    """The shell key part of a visitor whose site describes their page: a signed-in
    member or customer, or an anonymous visitor with a basket (not one who may
    have the anonymous page, ``page_cacheable``)."""
    if request.method != "GET":
        return None
    shell = getattr(request, "page_shell_audience", None)
    return shell() if shell is not None else None


def member_page_parts(request, *, view: str) -> list[str]:
    """A member's page key without its shell part (``member_page_key``)."""
    path = hashlib.sha1(  # noqa: S324 - a cache key
        f"{request.get_host()}|{request.get_full_path()}".encode()
    ).hexdigest()
    site, company = visibility.request_context(request)
    return [
        "catalog:member-page",
        view,
        visibility.audience_key(site=site, company=company),
        request.strategy.price_audience(),
        get_language() or "",
        catalog_versions(),
        estimate_period(),
        path,
    ]


def member_page_key(parts: list[str], shell: str) -> str:
    return _short([*parts, shell])


def member_page_slot(request) -> str | None:
    """Where a signed-in visitor's page at this URL is kept: one entry per user
    and URL, holding the page and the whole key it was stored under (it serves
    only a request whose key is that one). Named by what the session says, it
    is read with the user's other entries, so a page found costs no round trip
    of its own; a newer page of the same URL replaces it."""
    if request.method != "GET":
        return None
    user_id = session_user_id(request)
    if not user_id:
        return None
    known = getattr(request, "_member_page_slot", None)  # (user id, slot): once a request
    if known is None or known[0] != user_id:
        where = hashlib.sha1(  # noqa: S324 - a cache key
            f"{request.META.get('HTTP_HOST', '')}|{request.get_full_path()}".encode()
        ).hexdigest()
        known = (user_id, f"catalog:member-page-slot:u{user_id}:{where}")
        request._member_page_slot = known
    return known[1]


register_read_ahead(
    lambda request: [slot] if (slot := member_page_slot(request)) else [], stage=USER_STAGE
)


class AnonymousPageCacheMixin:
    """Serve a view's page whole from the cache to anonymous storefront visitors
    (``page_cacheable``) and to signed-in members whose site describes their page
    (``member_page_audience``); everyone else gets it rendered (listings still
    use the per-audience fragment cache).

    An anonymous visitor's page is stored with only what every such visitor
    shares, a member's with what that member's pages share; both keep the
    placeholders of their per-response parts (CSRF token, nonce, and whatever
    ``fill_cached_page`` fills, such as a product page's recently viewed)."""

    def dispatch(self, request, *args, **kwargs):
        self.page_cache_key = None
        self.member_page = False
        self.store_page = True  # a view may render a page that must not be stored
        with shared_reads(request):
            if page_cacheable(request):
                key = page_key(request, view=type(self).__name__)
                stored = self.cached_page(key)
                if stored is not None:
                    return self.serve_cached_page(stored, member=False)
                self.page_cache_key = key
            elif (shell := member_page_audience(request)) is not None:
                self.member_key_parts = member_page_parts(request, view=type(self).__name__)
                key = member_page_key(self.member_key_parts, shell)
                stored = self.cached_member_page(key)
                if stored is not None:
                    return self.serve_cached_page(stored, member=True)
                self.page_cache_key = key
                self.member_page = True
            # The page rendered afresh reads the versions and rules its key read.
            response = super().dispatch(request, *args, **kwargs)
        if self.page_cache_key and response.status_code == 200 and hasattr(response, "render"):
            response.add_post_render_callback(self._store_page)
        return response

    def _store_page(self, response):
        html = response.content.decode()
        stored = {"html": html, **self.cached_page_extra()}
        if not self.store_page:
            response.content = self.fill_cached_page(stored)
            return
        if self.member_page:
            # The page around the content as rendered: a member's first page opens
            # their basket, so the shell it shows is keyed after the render (the
            # rest of the key stays as read before it, so a catalog change during
            # the render never files old content under the new versions).
            shell = member_page_audience(self.request)
            if shell is not None:
                key = member_page_key(self.member_key_parts, shell)
                slot = self._member_slot()
                if slot is None:
                    put(key, stored)
                else:
                    cache.set(slot, {"key": key, "page": stored}, TIMEOUT)
            response.content = self.fill_cached_page(stored)
            return
        put(self.page_cache_key, stored)
        response.content = self.fill_cached_page(stored)

    def cached_page(self, key: str) -> dict | None:
        """The page stored under ``key`` (None: render it). A view may read it
        together with what a hit entails (a product page counts its view)."""
        return cache.get(key)

    # A member's page is kept in their slot for its URL; a view that reads its
    # pages together with something else (a product page counts its view in the
    # same round trip) keeps them under their keys instead.
    member_page_slots = True

    def _member_slot(self) -> str | None:
        return member_page_slot(self.request) if self.member_page_slots else None

    def cached_member_page(self, key: str) -> dict | None:
        """A member's page stored under ``key``: from their slot for this URL
        (``member_page_slot``, read ahead), else as any page."""
        slot = self._member_slot()
        if slot is None:
            return self.cached_page(key)
        entry = cache.get(slot)
        return entry["page"] if entry is not None and entry.get("key") == key else None

    def serve_cached_page(self, stored: dict, *, member: bool):
        """The response for a page found in the cache (``stored`` as filed by
        ``_store_page``: the HTML and ``cached_page_extra``). A view whose page
        view has effects (a product page counts a view) adds them here."""
        return HttpResponse(self.fill_cached_page(stored))

    def cached_page_extra(self) -> dict:
        """What serving the page from the cache needs besides the HTML (stored
        with it, for anonymous visitors and members alike)."""
        return {}

    def fill_cached_page(self, stored: dict) -> str:
        """A stored page (an anonymous visitor's or a member's) for this response:
        its CSRF token and nonce, and whatever parts of the visitor's own the view
        left as slots."""
        return fill_page(stored["html"], self.request)

    def page_placeholders(self) -> dict:
        return placeholders() if getattr(self, "page_cache_key", None) else {}
