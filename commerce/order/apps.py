import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = "commerce.order"

    def ready(self):
        super().ready()
        from commerce.order import handlers  # noqa: F401  (registers the outbox handlers)
