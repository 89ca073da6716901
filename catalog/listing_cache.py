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

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from catalog import visibility
from catalog.versions import catalog_versions

CSRF_PLACEHOLDER = "__listing_csrf_token__"
TIMEOUT = 10 * 60


def key(request, *, view: str, site, company) -> str:
    membership = getattr(request, "membership", None)
    path = hashlib.sha1(request.get_full_path().encode()).hexdigest()  # noqa: S324 - a cache key
    return ":".join(
        [
            "catalog:listing",
            view,
            visibility.audience_key(site=site, company=company),
            request.strategy.price_audience(),
            str(getattr(membership, "role", "-")),
            get_language() or "",
            catalog_versions(),
            path,
        ]
    )


def get(cache_key: str) -> str | None:
    return cache.get(cache_key)


def put(cache_key: str, html: str) -> None:
    cache.set(cache_key, html, TIMEOUT)


def fill(html: str, request) -> str:
    """The cached fragment for this response (its own CSRF token)."""
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308 - our render
