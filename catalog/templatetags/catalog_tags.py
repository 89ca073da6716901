from django import template

from catalog import menu, visibility

register = template.Library()


@register.simple_tag(takes_context=True)
def category_menu(context, depth: int = 2) -> list[dict]:
    """The cached category menu for the viewer (see ``catalog.menu``)."""
    request = context.get("request")
    site, company = visibility.request_context(request) if request else ("storefront", None)
    return menu.menu(depth, site=site, company=company)
