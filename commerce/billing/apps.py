from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Net terms: credit accounts and their ledger, invoices, payments, credit notes."""

    name = "commerce.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from commerce.billing import handlers  # noqa: F401  (registers the outbox handlers)
        from commerce.billing.models import CreditAccount

        post_save.connect(_hold_changed, sender=CreditAccount, dispatch_uid="billing.hold.save")
        post_delete.connect(_hold_changed, sender=CreditAccount, dispatch_uid="billing.hold.delete")


# What every portal page shows of a credit account (the hold banner), kept in
# each member's access snapshot (``accounts.access_cache``).
_SHOWN_FIELDS = frozenset({"on_credit_hold", "hold_reason", "company"})


def _hold_changed(sender, instance, update_fields=None, **kwargs) -> None:
    from accounts import access_cache

    if update_fields is None or _SHOWN_FIELDS.intersection(update_fields):
        access_cache.bump_all()
