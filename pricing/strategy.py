"""Oscar's stock/price strategy, backed by the pricing engine.

``Selector.strategy`` builds the pricing context from the request (site, user,
active company); every Oscar price (listing tags, basket lines, checkout,
order placement) then comes from ``pricing.engine`` through this adapter.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from oscar.apps.partner import availability, prices
from oscar.apps.partner.strategy import Base, PurchaseInfo

from commerce import sites
from commerce.core.money import rate
from pricing.book import PriceBook
from pricing.engine import PriceContext, Quote


class QuotedPrice(prices.FixedPrice):
    """An Oscar price policy that carries the engine's quote (and its reason)."""

    def __init__(self, quote: Quote):
        super().__init__(currency=quote.currency, excl_tax=quote.unit_net, tax=quote.unit_tax)
        self.quote = quote

    @property
    def effective_price(self):
        return self.excl_tax


def pricing_context(*, channel: str, user=None, company=None) -> PriceContext:
    """The pricing context for a site, buyer and (on the portal) company."""
    portal = channel == sites.PORTAL
    return PriceContext(
        channel=channel,
        currency=settings.OSCAR_DEFAULT_CURRENCY,
        tax_rate=rate(settings.DEFAULT_TAX_RATE),
        prices_include_tax=not portal,
        user_id=user.pk if user is not None and user.is_authenticated else None,
        company_id=company.pk if portal and company is not None else None,
    )


class Selector:
    def strategy(self, request=None, user=None, *, channel=None, company=None, **kwargs):
        if request is not None:
            channel = channel or getattr(request, "channel", None)
            user = user if user is not None else getattr(request, "user", None)
            company = company if company is not None else getattr(request, "company", None)
        context = pricing_context(channel=channel or sites.STOREFRONT, user=user, company=company)
        return EngineStrategy(request, context)


class EngineStrategy(Base):
    def __init__(self, request, context: PriceContext):
        super().__init__(request)
        self.context = context
        self.book = PriceBook(context)

    # Bulk API used by listings: price a whole page at once.
    def prefetch(self, products: Iterable) -> None:
        self.book.load(products)

    def quote(self, product, quantity: int = 1) -> Quote:
        return self.book.quote(product, quantity)

    def fetch_for_product(self, product, stockrecord=None, quantity: int = 1):
        record = stockrecord or self.book.stockrecord(product)
        quote = self.book.quote(product, quantity)
        return PurchaseInfo(
            price=QuotedPrice(quote) if quote.exists else prices.Unavailable(),
            availability=self._availability(product, record, quote),
            stockrecord=record,
        )

    def fetch_for_line(self, line, stockrecord=None):
        # Volume breaks depend on quantity: a line is priced at its own quantity.
        return self.fetch_for_product(line.product, stockrecord, quantity=max(line.quantity, 1))

    def fetch_for_parent(self, product):
        children = list(product.get_public_children())
        self.prefetch(children)
        infos = [self.fetch_for_product(child) for child in children]
        priced = [i for i in infos if i.price.exists]
        available = any(i.availability.is_available_to_buy for i in infos)
        cheapest = min(priced, key=lambda i: i.price.excl_tax, default=None)
        return PurchaseInfo(
            price=cheapest.price if cheapest else prices.Unavailable(),
            availability=availability.Available() if available else availability.Unavailable(),
            stockrecord=None,
        )

    def _availability(self, product, record, quote: Quote):
        if record is None or not quote.exists:
            return availability.Unavailable()
        if not product.get_product_class().track_stock:
            return availability.Available()
        return availability.StockRequired(record.net_stock_level)
