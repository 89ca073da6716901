from django.apps import AppConfig


class QuotesConfig(AppConfig):
    """Requests for quote, negotiated prices and ordering at them."""

    name = "commerce.quotes"
    label = "quotes"
    verbose_name = "Quotes"

    def ready(self) -> None:
        from commerce.quotes import handlers  # noqa: F401  (registers the outbox handlers)
