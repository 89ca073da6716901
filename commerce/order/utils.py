from oscar.apps.order.utils import OrderCreator as OscarOrderCreator


class OrderCreator(OscarOrderCreator):
    def __init__(self, *args, allocations: dict | None = None, **kwargs):
        """``allocations``: basket line id -> [(stock record, units), ...], as
        decided under lock by ``commerce.order.stock.route_lines``."""
        super().__init__(*args, **kwargs)
        self.allocations = allocations
        self.order_lines: dict[int, object] = {}

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        """Freeze the quote the line was priced with onto the order line; lines
        start in their order's status (Placed, or Pending approval)."""
        quote = getattr(basket_line.purchase_info.price, "quote", None)
        fields = {"status": order.status, **(extra_line_fields or {})}
        if quote is not None:
            fields.update(
                price_rule=quote.rule, price_reason=quote.reason, price_quote=quote.as_dict()
            )
        order_line = super().create_line_models(order, basket_line, fields)
        self.order_lines[basket_line.pk] = order_line
        return order_line

    def update_stock_records(self, line):
        """Hold the line's units in every warehouse chosen for it (one or several)."""
        if self.allocations is None:
            return super().update_stock_records(line)
        from commerce.order import stock

        parts = self.allocations.get(line.pk)
        if parts:
            stock.allocate(self.order_lines[line.pk], parts)
