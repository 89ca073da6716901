from django.apps import AppConfig


class DealersConfig(AppConfig):
    """The dealer network: dealer profiles, their stock, routing, offers and the ledger."""

    name = "commerce.dealers"
    label = "dealers"
    verbose_name = "Dealers"

    def ready(self) -> None:
        from commerce.dealers import handlers  # noqa: F401  (registers the outbox handlers)
