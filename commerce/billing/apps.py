from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Net terms: credit accounts and their ledger, invoices, payments, credit notes."""

    name = "commerce.billing"
    label = "billing"
    verbose_name = "Billing"
