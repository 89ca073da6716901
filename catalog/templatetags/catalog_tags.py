from django import template

from catalog import menu, visibility

register = template.Library()


@register.simple_tag(takes_context=True)
def category_menu(context, depth: int = 2) -> list[dict]:
    """The cached category menu for the viewer (see ``catalog.menu``)."""
    request = context.get("request")
    site, company = visibility.request_context(request) if request else ("storefront", None)
    return menu.menu(depth, site=site, company=company)


@register.simple_tag(takes_context=True)
def visible_only(context, products) -> list:
    """``products`` less those the viewer may not see (one query), in order:
    for lists kept outside the catalog's queries, such as recently viewed."""
    products = list(products)
    request = context.get("request")
    if not products or request is None:
        return products
    site, company = visibility.request_context(request)
    shown = visibility.visible_ids(products, site=site, company=company)
    return [product for product in products if product.pk in shown]


@register.simple_tag
def delivery_estimate(session):
    """``{% delivery_estimate session as estimate %}``: when an order of the
    product ``session`` (Oscar's purchase info) ships, and a sentence saying so."""
    from django.utils import timezone

    from commerce.shipping.estimate import estimate_for_stock

    estimate = estimate_for_stock(
        stockrecord=session.stockrecord,
        available=bool(session.availability.is_available_to_buy),
    )
    if estimate is None:
        return None
    return {
        "kind": estimate.kind,
        "date": estimate.dispatch_date,
        "text": estimate.as_text(timezone.localdate()),
    }
