from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Net terms: credit accounts and their ledger, invoices, payments, credit notes."""

    name = "commerce.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from commerce.billing import handlers  # noqa: F401  (registers the outbox handlers)
