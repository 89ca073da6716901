from django.apps import AppConfig


class OrderEditConfig(AppConfig):
    """Editing an order before it ships: lines, quantities, delivery address."""

    name = "commerce.orderedit"
    label = "orderedit"
    verbose_name = "Order editing"

    def ready(self) -> None:
        from commerce.orderedit import handlers  # noqa: F401  (registers the outbox handlers)
