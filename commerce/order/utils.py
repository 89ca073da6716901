from django.conf import settings
from django.db import transaction
from oscar.apps.order.signals import order_placed
from oscar.apps.order.utils import OrderCreator as OscarOrderCreator


class OrderCreator(OscarOrderCreator):
    def __init__(
        self, *args, allocations: dict | None = None, counts_purchases: bool = True, **kwargs
    ):
        """``allocations``: basket line id -> [(stock record, units), ...], as
        decided under lock by ``commerce.order.stock.route_lines``.
        ``counts_purchases=False``: the caller writes the purchase counters'
        outbox row itself (``analytics.purchase_counters_message``), with its own."""
        super().__init__(*args, **kwargs)
        self.allocations = allocations
        self.counts_purchases = counts_purchases
        self.order_lines: dict[int, object] = {}
        self.pending_allocations: list = []

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        """Freeze the quote the line was priced with onto the order line; lines
        start in their order's status (Placed, or Pending approval)."""
        fields = {**self._line_fields(order, basket_line), **(extra_line_fields or {})}
        order_line = super().create_line_models(order, basket_line, fields)
        self.order_lines[basket_line.pk] = order_line
        return order_line

    def create_lines_at_once(self, order, basket_lines) -> list:
        """``create_line_models`` for every line together: one INSERT of the
        order lines, one of their prices, one of their options (if any), as
        Oscar writes them one by one (no receiver listens to their saves).
        Oscar's line discounts come from its offers, which never touch a
        basket here (``place_order`` takes this path only without them)."""
        from oscar.apps.order.exceptions import UnableToPlaceOrder
        from oscar.core.loading import get_model

        Line = get_model("order", "Line")
        LinePrice = get_model("order", "LinePrice")
        LineAttribute = get_model("order", "LineAttribute")
        basket_lines = list(basket_lines)
        order_lines = []
        for basket_line in basket_lines:
            stockrecord = basket_line.stockrecord
            if not stockrecord:
                raise UnableToPlaceOrder(f"Basket line #{basket_line.id} has no stockrecord")
            product = basket_line.product
            order_lines.append(
                Line(
                    order=order,
                    partner=stockrecord.partner,
                    partner_name=stockrecord.partner.name,
                    partner_sku=stockrecord.partner_sku,
                    stockrecord=stockrecord,
                    product=product,
                    title=product.get_title(),
                    upc=product.upc,
                    quantity=basket_line.quantity,
                    line_price_excl_tax=basket_line.line_price_excl_tax_incl_discounts,
                    line_price_incl_tax=basket_line.line_price_incl_tax_incl_discounts,
                    line_price_before_discounts_excl_tax=basket_line.line_price_excl_tax,
                    line_price_before_discounts_incl_tax=basket_line.line_price_incl_tax,
                    unit_price_incl_tax=basket_line.unit_price_incl_tax,
                    unit_price_excl_tax=basket_line.unit_price_excl_tax,
                    tax_code=basket_line.tax_code,
                    num_allocated=basket_line.quantity,
                    **self._line_fields(order, basket_line),
                )
            )
        Line._default_manager.bulk_create(order_lines)
        prices, attributes = [], []
        for basket_line, order_line in zip(basket_lines, order_lines, strict=True):
            self.order_lines[basket_line.pk] = order_line
            for price_incl_tax, price_excl_tax, quantity in basket_line.get_price_breakdown():
                prices.append(
                    LinePrice(
                        order=order,
                        line=order_line,
                        quantity=quantity,
                        price_incl_tax=price_incl_tax,
                        price_excl_tax=price_excl_tax,
                        tax_code=basket_line.tax_code,
                    )
                )
            for attribute in basket_line.attributes.all():
                attributes.append(
                    LineAttribute(
                        line=order_line,
                        option=attribute.option,
                        type=attribute.option.code,
                        value=attribute.value,
                    )
                )
        LinePrice._default_manager.bulk_create(prices)
        if attributes:
            LineAttribute._default_manager.bulk_create(attributes)
        for basket_line, order_line in zip(basket_lines, order_lines, strict=True):
            self.create_additional_line_models(order, order_line, basket_line)
        return order_lines

    @staticmethod
    def _line_fields(order, basket_line) -> dict:
        """The order line starts in its order's status (Placed, or Pending
        approval), with the quote it was priced with frozen on it."""
        fields = {"status": order.status}
        quote = getattr(basket_line.purchase_info.price, "quote", None)
        if quote is not None:
            fields.update(
                price_rule=quote.rule, price_reason=quote.reason, price_quote=quote.as_dict()
            )
        return fields

    def update_stock_records(self, line):
        """Hold the line's units in every warehouse chosen for it (one or several).

        Oscar calls this once per line; the lines' holds are collected and
        written for all of them at once (``stock.allocate_lines``) when the
        last planned line comes, still inside Oscar's placement (before its
        ``order_placed`` signal)."""
        if self.allocations is None:
            return super().update_stock_records(line)
        parts = self.allocations.get(line.pk)
        if not parts:
            return
        self.pending_allocations.append((self.order_lines[line.pk], parts))
        if len(self.pending_allocations) == sum(1 for held in self.allocations.values() if held):
            self._flush_allocations()

    def _flush_allocations(self) -> None:
        from commerce.order import stock

        pending, self.pending_allocations = self.pending_allocations, []
        if pending:
            stock.allocate_lines(pending)

    def place_order(
        self,
        basket,
        total,
        shipping_method,
        shipping_charge,
        user=None,
        shipping_address=None,
        billing_address=None,
        order_number=None,
        status=None,
        request=None,
        surcharges=None,
        **kwargs,
    ):
        """Oscar's ``place_order`` as the order pipeline calls it: inside its
        transaction, the basket row locked and the order number given. The
        order, its lines and their stock, then Oscar's ``order_placed`` signal,
        without three of Oscar's steps that cost statements and do nothing here:
        its vouchers and offers (the pricing engine prices baskets; Oscar's
        never touch one, ``commerce.basket.middleware``), the lookup of an order
        with this number (the number is unique in the table and the basket's
        lock serialises its orders) and a savepoint (the caller's transaction
        is the unit). Any other call gets Oscar's own steps."""
        if (
            not order_number
            or not transaction.get_connection().in_atomic_block
            or surcharges
            or basket.offer_applications
        ):
            order = super().place_order(
                basket,
                total,
                shipping_method,
                shipping_charge,
                user,
                shipping_address,
                billing_address,
                order_number,
                status,
                request,
                surcharges,
                **kwargs,
            )
            self._flush_allocations()  # none left unless a planned line was not placed
            return order
        if basket.is_empty:
            raise ValueError("Empty baskets cannot be submitted")
        order = self.create_order_model(
            user,
            basket,
            shipping_address,
            shipping_method,
            shipping_charge,
            billing_address,
            total,
            order_number,
            status or getattr(settings, "OSCAR_INITIAL_ORDER_STATUS", None),
            request,
            **kwargs,
        )
        lines = basket.all_lines()
        self.create_lines_at_once(order, lines)  # basket order: the order lines' pks keep it
        for line in sorted(lines, key=lambda line: line.stockrecord_id):
            self.update_stock_records(line)
        self._flush_allocations()  # none left unless a planned line was not placed
        order_placed.send(sender=self, order=order, user=user)
        return order
