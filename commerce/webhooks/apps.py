from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed webhooks for integrations, delivered from the outbox."""

    name = "commerce.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from commerce.webhooks import handlers  # noqa: F401  (registers the outbox handlers)
