"""``{{ product.description|rich_text }}``: user-supplied markup through the one sanitiser."""

from django import template

from commerce.core.sanitize import safe_html

register = template.Library()


@register.filter(is_safe=True)
def rich_text(value):
    return safe_html("" if value is None else str(value))
