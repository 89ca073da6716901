from decimal import Decimal

from django.conf import settings
from oscar.apps.shipping.methods import Base
from oscar.core import prices

from commerce.core.money import add_tax, quantize, rate


class ConfiguredMethod(Base):
    """A shipping method from ``settings.SHIPPING_METHODS``: a flat charge,
    free when the basket reaches a threshold. Charge and threshold are in the
    terms each site shows prices in: gross on the storefront, net on the portal."""

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
        currency = basket.currency or settings.OSCAR_DEFAULT_CURRENCY
        tax_rate = rate(settings.DEFAULT_TAX_RATE)
        if self.is_free_for(basket):
            return prices.Price(currency=currency, excl_tax=Decimal("0.00"), tax=Decimal("0.00"))
        if self.gross_threshold:  # storefront: the configured charge includes VAT
            net = quantize(self.charge / (1 + tax_rate), currency)
            return prices.Price(currency=currency, excl_tax=net, tax=self.charge - net)
        tax, _gross = add_tax(self.charge, tax_rate, currency)
        return prices.Price(currency=currency, excl_tax=self.charge, tax=tax)
