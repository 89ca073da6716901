"""``{{ amount|money:currency }}``: fast currency formatting for listings.

Oscar's ``currency`` filter runs babel's full formatter on every call; on a
48-product page that is a measurable share of the render. The pattern is the
same every time, so resolve the symbol once per currency and format with
Python's own grouping. Output matches Oscar's filter for our formats
("€1,234.56").
"""

from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_symbol
from django import template
from django.conf import settings

from commerce.core.money import exponent

register = template.Library()


@cache
def _symbol(currency: str) -> str:
    return get_currency_symbol(currency, locale="en")


@register.filter(name="money")
def money(value, currency: str | None = None) -> str:
    if value is None or value == "":
        return ""
    currency = currency or settings.OSCAR_DEFAULT_CURRENCY
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    places = -exponent(currency).as_tuple().exponent
    text = f"{abs(amount):,.{places}f}"
    return f"{'-' if amount < 0 else ''}{_symbol(currency)}{text}"
