"""Money arithmetic: Decimal only, quantized in one place.

Every amount that is shown, stored or charged passes through ``quantize``
with an explicit ROUND_HALF_UP. Never construct money from a float.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

# Minor units per currency (ISO 4217 exponent); two decimals unless listed.
_EXPONENTS = {"JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3}

ZERO = Decimal("0.00")


def exponent(currency: str) -> Decimal:
    digits = _EXPONENTS.get(currency.upper(), 2)
    return Decimal(1).scaleb(-digits)


def quantize(amount: Decimal | int | str, currency: str | None = None) -> Decimal:
    """Round ``amount`` to the currency's minor unit, half away from zero."""
    if isinstance(amount, float):
        raise TypeError("money must not be a float; pass a Decimal or a string")
    value = amount if isinstance(amount, Decimal) else Decimal(amount)
    return value.quantize(exponent(currency or settings.OSCAR_DEFAULT_CURRENCY), ROUND_HALF_UP)


def rate(value: Decimal | str) -> Decimal:
    """A tax or discount rate as a Decimal (from a settings string, say)."""
    if isinstance(value, float):
        raise TypeError("rates must not be floats; pass a Decimal or a string")
    return value if isinstance(value, Decimal) else Decimal(value)


def add_tax(
    net: Decimal, tax_rate: Decimal, currency: str | None = None
) -> tuple[Decimal, Decimal]:
    """Return ``(tax, gross)`` for a net amount: tax is rounded once, gross = net + tax."""
    tax = quantize(net * tax_rate, currency)
    return tax, net + tax
