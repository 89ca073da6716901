import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = "commerce.order"

    def ready(self):
        super().ready()
        from oscar.apps.analytics import receivers
        from oscar.apps.order.signals import order_placed

        from commerce.order import handlers  # noqa: F401  (registers the outbox handlers)
        from commerce.order.analytics import record_order_placed

        # Oscar counts each product's purchases with a query or two per line;
        # ours counts all of an order's lines in a fixed number of queries.
        order_placed.disconnect(receivers.receive_order_placed)
        order_placed.connect(record_order_placed, dispatch_uid="order-analytics")
