from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Card payments and the sandbox gateway's own records."""

    name = "commerce.payments"
    label = "payments"
    verbose_name = "Payments"
