"""``{% sold_through_dealers product=... category=... as flag %}`` for the
"ask a dealer" link on product and category pages."""

from django import template

from commerce.leads.selectors import lead_is_for_dealers

register = template.Library()


@register.simple_tag
def sold_through_dealers(product=None, category=None) -> bool:
    if product is None and category is None:
        return False
    return lead_is_for_dealers(product, category)
