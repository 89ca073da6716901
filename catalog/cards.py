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

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from oscar.core.loading import get_model

from catalog import listing_cache, selectors, visibility
from commerce.core.cache import cache

Product = get_model("catalogue", "Product")

TIMEOUT = 10 * 60
SEPARATOR = "<!--end-of-card-->"
TEMPLATE = "catalog/partials/cards.html"


def card_context() -> dict:
    """What every product card needs, computed once per page rather than per card."""
    return {
        "basket_add_prefix": reverse("basket:add", kwargs={"pk": 0})[:-2],
        "add_label": gettext("Add to basket"),
        "quantity_label": gettext("Quantity"),
        "excl_vat_label": gettext("excl. VAT"),
        "unavailable_label": gettext("Unavailable"),
    }


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


def _keys(request, ids, *, site, company) -> dict[int, str]:
    prefix = listing_cache.card_key_prefix(request, site=site, company=company)
    return {pk: f"{prefix}:{pk}" for pk in ids}


def _render(request, ids: list[int], keys: dict[int, str], context: dict) -> dict[str, str]:
    """Load, price and render the cards of ``ids`` in one render, and store them."""
    products = load(request, ids)
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
    return fresh


def cards(request, ids: list[int], *, site, company, context: dict) -> list[str]:
    """The HTML of the cards of ``ids``, in order (``context``: the listing's
    context, for the labels and the basket rights). ``ids`` come from a
    visibility-filtered query of browsable products."""
    if not ids:
        return []
    keys = _keys(request, ids, site=site, company=company)
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in found]
    if missing:
        found.update(_render(request, missing, keys, context))
    # Our own render, escaped as it was rendered.
    return [mark_safe(found[keys[pk]]) for pk in ids if keys[pk] in found]  # noqa: S308


def visible_cards(request, ids: list[int], *, limit: int) -> list[str]:
    """The cards of the first ``limit`` of ``ids`` that the viewer may see, in
    order, for ids that come from outside the catalog's queries (the visitor's
    recently-viewed cookie).

    A card is stored only for a product its audience may see (a listing's ids
    come from a visibility-filtered query; these are checked before they are
    rendered), and its key holds the audience and every catalog version, so a
    card found needs no check. Those not found are checked in one query, then
    loaded, priced and rendered together."""
    ids = list(dict.fromkeys(ids))
    if not ids or limit <= 0:
        return []
    site, company = visibility.request_context(request)
    keys = _keys(request, ids, site=site, company=company)
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in found]
    if missing:
        visible = set(
            visibility.visible_products(
                Product.objects.browsable().filter(pk__in=missing), site=site, company=company
            ).values_list("pk", flat=True)
        )
        shown = [pk for pk in ids if keys[pk] in found or pk in visible][:limit]
        wanted = [pk for pk in shown if keys[pk] not in found]
        if wanted:
            found.update(_render(request, wanted, keys, card_context()))
    # Our own render, escaped as it was rendered.
    return [mark_safe(found[keys[pk]]) for pk in ids if keys[pk] in found][:limit]  # noqa: S308
