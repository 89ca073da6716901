"""Oscar's stock/price strategy, backed by the pricing engine.

``Selector.strategy`` captures who is buying where (site, user, active
company); the pricing context (which lists and tier apply) is resolved on first
use. Every Oscar price (listing tags, basket lines, checkout, order
placement) then comes from ``pricing.engine`` through this adapter, and every
availability check also applies the product's quantity rules and the catalog
visibility rule (``catalog.visibility``): a product hidden from the buyer
cannot be added, kept in a basket or ordered, whatever path it came by.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from oscar.apps.partner import availability, prices
from oscar.apps.partner.strategy import Base, PurchaseInfo

from catalog import visibility
from catalog.quantity import quantity_problem
from commerce import sites
from pricing import index
from pricing.book import PriceBook
from pricing.context import pricing_context
from pricing.engine import PriceContext, Quote


class QuotedPrice(prices.FixedPrice):
    """An Oscar price policy that carries the engine's quote (and its reason)."""

    def __init__(self, quote: Quote):
        super().__init__(currency=quote.currency, excl_tax=quote.unit_net, tax=quote.unit_tax)
        self.quote = quote

    @property
    def effective_price(self):
        return self.excl_tax


class StockLevel(availability.StockRequired):
    """Oscar's stock availability, telling the number of units only at or below the
    product's low-stock threshold (the lowest of its records'; none: never): above
    it a page says "In stock", so what pages show changes only when a record goes
    out of stock, crosses its threshold or moves below it, which is when
    ``catalog.versions`` retires cached pages."""

    def __init__(self, num_available: int, low: int):
        super().__init__(num_available)
        self.low = low

    @property
    def message(self) -> str:
        if self.num_available > self.low:
            return self.short_message
        return super().message


class NotVisible(availability.Unavailable):
    """The product is not sold on this site or not to this account."""

    code = "not_visible"
    message = "Not available to your account"

    def is_purchase_permitted(self, quantity):
        return False, "not available to your account"


class QuantityRules(availability.Base):
    """Wraps an availability policy with the product's quantity rules (min, multiple, max)."""

    def __init__(self, inner: availability.Base, product):
        self.inner = inner
        self.product = product

    @property
    def code(self):
        return self.inner.code

    @property
    def message(self):
        return self.inner.message

    @property
    def short_message(self):
        return self.inner.short_message

    @property
    def is_available_to_buy(self):
        return self.inner.is_available_to_buy

    @property
    def num_available(self):
        return getattr(self.inner, "num_available", None)

    def is_purchase_permitted(self, quantity):
        problem = quantity_problem(self.product, quantity)
        if problem is not None:
            return False, problem
        return self.inner.is_purchase_permitted(quantity)


class Selector:
    def strategy(
        self, request=None, user=None, *, channel=None, company=None, fixed_prices=None, **kwargs
    ):
        if request is not None:
            channel = channel or getattr(request, "channel", None)
            user = user if user is not None else getattr(request, "user", None)
            company = company if company is not None else getattr(request, "company", None)
        return EngineStrategy(
            request,
            channel=channel or sites.STOREFRONT,
            user=user,
            company=company,
            fixed_prices=fixed_prices,
        )


class EngineStrategy(Base):
    def __init__(
        self,
        request=None,
        *,
        channel: str,
        user=None,
        company=None,
        context=None,
        fixed_prices=None,
    ):
        super().__init__(request)
        self.fixed_prices = fixed_prices
        self.channel = channel
        self.buyer = user
        self.company = company
        self._visible: dict[int, bool] = {}
        if context is not None:
            self.__dict__["context"] = context

    @cached_property
    def context(self) -> PriceContext:
        return pricing_context(channel=self.channel, user=self.buyer, company=self.company)

    @cached_property
    def book(self) -> PriceBook:
        return PriceBook(self.context, fixed=self.fixed_prices)

    # Bulk API used by listings: price a whole page at once.
    def prefetch(self, products: Iterable) -> None:
        products = list(products)
        self.book.load(products)
        self._load_visibility(products)

    def price_audience(self) -> str:
        """Who shares this strategy's prices (a cache key part; ``pricing.index``).
        Before anything is priced, a company's lists come from their cache (a page
        served from the cache then reads no price list); prices always use the
        live context."""
        if "context" in self.__dict__ or self.company is None:
            return index.audience(self.context)
        if "_audience" not in self.__dict__:  # once per request: several keys use it
            self._audience = index.audience(
                pricing_context(
                    channel=self.channel, user=self.buyer, company=self.company, cached_lists=True
                )
            )
        return self._audience

    def display_prices(self, product_ids) -> dict:
        """product id -> (one-unit display price or None, free units), in bulk."""
        return index.display_prices(self.context, product_ids)

    def note_visible(self, products: Iterable) -> None:
        """Products known to be visible here (loaded through the visibility filter)."""
        for product in products:
            self._visible[product.pk] = True

    def visible_ids(self) -> frozenset[int]:
        """The products this strategy found visible so far."""
        return frozenset(pk for pk, visible in self._visible.items() if visible)

    def note_visible_ids(self, ids: Iterable[int]) -> None:
        """Products another strategy of the same buyer found visible moments
        ago (``visible_ids``): not looked up again."""
        for pk in ids:
            self._visible[pk] = True

    def _load_visibility(self, products) -> None:
        unknown = [p for p in products if p.pk not in self._visible]
        if not unknown:
            return
        viewer = self.__dict__.get("_viewer")
        if viewer is None:
            viewer = self.__dict__["_viewer"] = visibility.audience(self.channel, self.buyer)
        visible = visibility.visible_ids(unknown, site=viewer, company=self.company)
        for product in unknown:
            self._visible[product.pk] = product.pk in visible

    def is_visible(self, product) -> bool:
        if product.pk not in self._visible:
            self._load_visibility([product])
        return self._visible[product.pk]

    def quote(self, product, quantity: int = 1) -> Quote:
        return self.book.quote(product, quantity)

    def fetch_for_product(self, product, stockrecord=None, quantity: int = 1, voucher_codes=None):
        record = stockrecord or self.book.stockrecord(product)
        quote = self.book.quote(product, quantity, voucher_codes)
        if not self.is_visible(product):
            policy = NotVisible()
        else:
            policy = QuantityRules(self._availability(product, record, quote), product)
        return PurchaseInfo(
            price=QuotedPrice(quote) if quote.exists else prices.Unavailable(),
            availability=policy,
            stockrecord=record,
        )

    def fetch_for_line(self, line, stockrecord=None):
        # Volume breaks depend on quantity: a line is priced at its own quantity.
        # The basket's voucher codes apply to its lines (and only to them).
        basket = line.basket if line.basket_id else None
        codes = getattr(basket, "voucher_codes", None) or ()
        return self.fetch_for_product(
            line.product, stockrecord, quantity=max(line.quantity, 1), voucher_codes=codes
        )

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
        # Every warehouse counts: placement splits a line over them as needed.
        records = self.book.records(product)
        free = sum(max(r.net_stock_level, 0) for r in records)
        low = min((getattr(r, "low_stock_threshold", None) or 0 for r in records), default=0)
        return StockLevel(free, low)
