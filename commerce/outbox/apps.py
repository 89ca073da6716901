from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """The transactional outbox: side effects written with the change that causes
    them, delivered by a relay with retries."""

    name = "commerce.outbox"
    label = "outbox"
    verbose_name = "Outbox"
