from oscar.apps.order.utils import OrderCreator as OscarOrderCreator


class OrderCreator(OscarOrderCreator):
    def __init__(self, *args, allocations: dict | None = None, **kwargs):
        """``allocations``: basket line id -> [(stock record, units), ...], as
        decided under lock by ``commerce.order.stock.route_lines``."""
        super().__init__(*args, **kwargs)
        self.allocations = allocations
        self.order_lines: dict[int, object] = {}
        self.pending_allocations: list = []

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

    def place_order(self, *args, **kwargs):
        order = super().place_order(*args, **kwargs)
        self._flush_allocations()  # none left unless a planned line was not placed
        return order
