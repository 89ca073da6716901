from django import template

from commerce.lists import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def my_shopping_lists(context):
    """The lists the signed-in member may add to (own and shared), for a picker."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    return list(selectors.lists_for(membership)[:50])
