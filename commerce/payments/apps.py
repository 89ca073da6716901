from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Card payments and the sandbox gateway's own records."""

    name = "commerce.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self):
        from commerce.payments import handlers  # noqa: F401  (registers the outbox handlers)
