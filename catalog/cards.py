"""Product cards of listings, cached one by one per audience.

A card (``catalog/product_card.html``: image, title, SKU, price, availability,
the "Add to basket" form) shows the same for everyone who shares the
listing's audience (``catalog.listing_cache.card_key_prefix``: visibility and
price audience, the member's role, language, every catalog version and the
delivery-estimate period), whatever page lists it. A listing rendered afresh
(another page, sort, filter, search word or URL) reads its cards in one round
trip and loads, prices and renders only the products it misses, all of them
in one render.

The cards carry the CSRF placeholder of the listing (filled per response).
Any catalog change bumps a version in the key, so no card outlives it; the
basket and checkout never read cards. With Redis down every card is a miss.
"""

from __future__ import annotations

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from oscar.core.loading import get_model

from catalog import listing_cache, selectors

Product = get_model("catalogue", "Product")

TIMEOUT = 10 * 60
SEPARATOR = "<!--end-of-card-->"
TEMPLATE = "catalog/partials/cards.html"


def attach_purchase_info(request, products) -> None:
    """Price a page of products at once and hang the result on each product."""
    strategy = request.strategy
    # They came from a visibility-filtered query: no need to check them again.
    strategy.note_visible(products)
    strategy.prefetch(products)
    for product in products:
        product.purchase = strategy.fetch_for_product(product)


def load(request, ids: list[int]) -> list:
    """The products of ``ids`` in that order, with what a card needs, priced."""
    by_pk = {p.pk: p for p in selectors.for_listing(Product.objects.filter(pk__in=ids))}
    products = [by_pk[pk] for pk in ids if pk in by_pk]
    attach_purchase_info(request, products)
    return products


def lazy_products(request, ids: list[int]):
    """The products of ``ids`` (priced) for templates that want the objects; loaded
    only if something reads them."""
    return SimpleLazyObject(lambda: load(request, list(ids)))


def cards(request, ids: list[int], *, site, company, context: dict) -> list[str]:
    """The HTML of the cards of ``ids``, in order (``context``: the listing's
    context, for the labels and the basket rights)."""
    if not ids:
        return []
    prefix = listing_cache.card_key_prefix(request, site=site, company=company)
    keys = {pk: f"{prefix}:{pk}" for pk in ids}
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in found]
    if missing:
        products = load(request, missing)
        html = render_to_string(
            TEMPLATE,
            {**context, "products": products, "csrf_token": listing_cache.CSRF_PLACEHOLDER},
            request=request,
        )
        fresh = {
            keys[product.pk]: card
            for product, card in zip(products, html.split(SEPARATOR), strict=False)
        }
        cache.set_many(fresh, TIMEOUT)
        found.update(fresh)
    # Our own render, escaped as it was rendered.
    return [mark_safe(found[keys[pk]]) for pk in ids if keys[pk] in found]  # noqa: S308
