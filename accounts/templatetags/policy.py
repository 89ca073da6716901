from django import template

from accounts import policy

register = template.Library()


@register.filter(name="can")
def can(membership, action: str) -> bool:
    """``{% if membership|can:"place_order" %}`` — asks the policy module."""
    return policy.can(membership, action)
