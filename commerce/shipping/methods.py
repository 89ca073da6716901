from decimal import Decimal

from django.conf import settings
from oscar.apps.shipping.methods import Base
from oscar.core import prices

from commerce.core.money import add_tax, quantize, rate


class ConfiguredMethod(Base):
    """A shipping method from ``settings.SHIPPING_METHODS``: a flat net charge,
    free when the basket reaches a threshold (gross on the storefront, net on
    the portal, as each site shows prices)."""

    is_discounted = False

    def __init__(self, *, code, name, charge, free_over=None, description="", gross_threshold):
        self.code = code
        self.name = name
        self.description = description
        self.charge = quantize(Decimal(charge))
        self.free_over = None if free_over in (None, "") else quantize(Decimal(free_over))
        self.gross_threshold = gross_threshold

    def is_free_for(self, basket) -> bool:
        if self.free_over is None or basket.is_empty:
            return False
        total = basket.total_incl_tax if self.gross_threshold else basket.total_excl_tax
        return total >= self.free_over

    def calculate(self, basket):
        net = Decimal("0.00") if self.is_free_for(basket) else self.charge
        tax, _gross = add_tax(net, rate(settings.DEFAULT_TAX_RATE))
        return prices.Price(
            currency=basket.currency or settings.OSCAR_DEFAULT_CURRENCY, excl_tax=net, tax=tax
        )
