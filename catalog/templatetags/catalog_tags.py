from django import template

from catalog import menu

register = template.Library()


@register.simple_tag
def category_menu(depth: int = 2) -> list[dict]:
    """The cached category menu (see ``catalog.menu``)."""
    return menu.menu(depth)
