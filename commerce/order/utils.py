from oscar.apps.order.utils import OrderCreator as OscarOrderCreator


class OrderCreator(OscarOrderCreator):
    def create_line_models(self, order, basket_line, extra_line_fields=None):
        """Freeze the quote the line was priced with onto the order line; lines
        start in their order's status (Placed, or Pending approval)."""
        quote = getattr(basket_line.purchase_info.price, "quote", None)
        fields = {"status": order.status, **(extra_line_fields or {})}
        if quote is not None:
            fields.update(
                price_rule=quote.rule, price_reason=quote.reason, price_quote=quote.as_dict()
            )
        return super().create_line_models(order, basket_line, fields)
