"""The product page cached per audience, with the visitor's own parts filled live.

The body of a product page (title, price and breaks, stock, specifications,
recommendations) is the same for everyone who sees the same catalog at the same
prices with the same rights. It is cached under a key made of:

* the path (the product; a product seen at a wrong path is redirected first),
* the visibility audience (``catalog.visibility.audience_key``),
* the price audience (``request.strategy.price_audience()``),
* on the portal the company itself (two companies never share a page body),
* the member's role, whether the visitor is staff (the "Edit this product"
  link), the language,
* the version of every kind of catalog change (``catalog.versions``).

The page around it (header, basket, the company switcher) is rendered per
request as on any page. The visitor's own parts of the body are placeholders in
the cache, filled per response: the CSRF token, the stock-alert form (whether
the visitor already has an alert), the "back to results" link (from the
Referer) and the recently viewed products (from the visitor's cookie).

The basket and checkout never read this cache: they price live. With Redis
down the cache answers misses and pages render uncached.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from oscar.core.loading import get_class, get_model

from catalog import cards, listing_cache, visibility
from catalog.versions import catalog_versions
from commerce.core.cache import cache
from commerce.shipping.estimate import estimate_period

Product = get_model("catalogue", "Product")
ProductAlert = get_model("customer", "ProductAlert")
ProductAlertForm = get_class("customer.forms", "ProductAlertForm")

FRAGMENT_LAYOUT = "catalog/product_fragment_layout.html"
SHELL = "catalog/product_page.html"
SPLIT = "<!--product-page-part-->"
PARTS = ("title", "description", "breadcrumbs", "content")
RECENTLY_VIEWED_SHOWN = 6
SLOTS = {
    "back_button": "__product_back_button__",
    "stock_alert": "__product_stock_alert__",
    "recently_viewed": "__product_recently_viewed__",
}


def key(request) -> str:
    site, company = visibility.request_context(request)
    membership = getattr(request, "membership", None)
    return listing_cache._short(
        [
            "catalog:product",
            visibility.audience_key(site=site, company=company),
            request.strategy.price_audience(),
            f"c{company.pk}" if company is not None else "-",
            str(getattr(membership, "role", "-")),
            "staff" if request.user.is_staff else "-",
            get_language() or "",
            catalog_versions(),
            estimate_period(),
            request.path,
        ]
    )


def get(cache_key: str) -> dict | None:
    return cache.get(cache_key)


def render_parts(template_names, context: dict, request) -> dict:
    """The page's parts as HTML with placeholders where a visitor's own parts go
    (Oscar's product template rendered into a layout that keeps only its blocks)."""
    html = render_to_string(
        template_names,
        {
            **context,
            **listing_cache.placeholders(),
            "site_layout": FRAGMENT_LAYOUT,
            "fragment_slots": SLOTS,
        },
        request=request,
    )
    values = [part.strip() for part in html.split(SPLIT)]
    return {**dict(zip(PARTS, values, strict=True)), "product_id": context["product"].pk}


def put(cache_key: str, parts: dict) -> None:
    cache.set(cache_key, parts, listing_cache.TIMEOUT)


def fill(parts: dict, request, *, whole_page: bool, keep_slots: bool = False) -> dict:
    """The parts for this response. ``whole_page``: the response is itself stored
    for every anonymous visitor, so only what they all share goes in (their
    recently viewed products, CSRF token and nonce are filled when it is served,
    by ``fill_slots``). ``keep_slots``: the
    response is stored for one member, with the visitor's own parts left as
    placeholders (``fill_slots`` fills them when it is served)."""
    if keep_slots:
        return {name: mark_safe(value) if name in PARTS else value for name, value in parts.items()}  # noqa: S308 - our own render
    content = parts["content"]
    if SLOTS["stock_alert"] in content:
        product = product_by_id(parts["product_id"])
        content = content.replace(
            SLOTS["stock_alert"], _stock_alert(request, product, whole_page=whole_page)
        )
    back = "" if whole_page else _back_button(request)
    if not whole_page:  # a whole page keeps the recently viewed as a slot
        history = _recently_viewed(request, parts["product_id"])
        content = content.replace(SLOTS["recently_viewed"], history)
    filled = {**parts, "content": content}
    filled["breadcrumbs"] = parts["breadcrumbs"].replace(SLOTS["back_button"], back)
    if not whole_page:
        filled = {
            name: listing_cache.fill_page(value, request) if name in PARTS else value
            for name, value in filled.items()
        }
    return {name: mark_safe(value) if name in PARTS else value for name, value in filled.items()}  # noqa: S308 - our own render


def product_by_id(product_id: int):
    """The product as its id alone, without a query: its other fields load on first
    use (Django's deferred fields). Cheaper than ``Product(pk=...)``, which sets
    every field's default."""
    return Product.from_db(None, ["id"], [product_id])


def fill_slots(html: str, request, *, product_id: int) -> str:
    """A stored member's page for this response: the visitor's own parts (stock
    alert, recently viewed, back button), then its CSRF token and nonce."""
    if SLOTS["stock_alert"] in html:
        alert = _stock_alert(request, product_by_id(product_id), whole_page=False)
        html = html.replace(SLOTS["stock_alert"], alert)
    if SLOTS["recently_viewed"] in html:
        html = html.replace(SLOTS["recently_viewed"], _recently_viewed(request, product_id))
    if SLOTS["back_button"] in html:
        html = html.replace(SLOTS["back_button"], _back_button(request))
    return listing_cache.fill_page(html, request)


def _stock_alert(request, product, *, whole_page: bool) -> str:
    user = request.user
    has_alert = (
        user.is_authenticated
        and ProductAlert.objects.filter(
            product_id=product.pk, user=user, status=ProductAlert.ACTIVE
        ).exists()
    )
    return render_to_string(
        "catalog/partials/stock_alert.html",
        {
            "product": product,
            "has_active_alert": has_alert,
            "alert_form": ProductAlertForm(user=user, product=product),
            **(listing_cache.placeholders() if whole_page else {}),
        },
        request=request,
    )


def _recently_viewed(request, product_id: int) -> str:
    """The visitor's recently viewed products (newest first, less this one and
    what they may not see), as the listing's cards: found in the card cache, so
    a visitor browsing from product to product costs one cache read per page
    for the strip, not a query and a render."""
    from oscar.apps.customer.history import CustomerHistoryManager

    ids = CustomerHistoryManager.extract(request)
    # The cookie is the visitor's to write: anything but product ids (a
    # tampered cookie) shows no strip.
    if not ids or not all(_is_id(value) for value in ids):
        return ""
    shown = [pk for pk in reversed(ids) if pk != product_id]
    found = cards.visible_cards(request, shown, limit=RECENTLY_VIEWED_SHOWN)
    if not found:
        return ""
    # Rendered without the request: its context processors would cost more than
    # the strip, which needs nothing of theirs (the cards are rendered).
    return render_to_string("catalog/partials/recently_viewed.html", {"cards": found})


def _back_button(request) -> str:
    if not request.META.get("HTTP_REFERER"):  # Oscar's button needs one: nothing to show
        return ""
    return render_to_string("catalog/partials/back_button.html", {}, request=request)


def _is_id(value) -> bool:
    return type(value) is int and 0 < value < 2**63
