from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """The transactional outbox: side effects written with the change that causes
    them, delivered by a relay with retries."""

    name = "commerce.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self):
        # Register the relay task in every process, so a nudge by its name
        # (``services.RELAY_TASK``) runs it eagerly where tasks run eagerly.
        from commerce.outbox import tasks  # noqa: F401
