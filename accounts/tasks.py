"""Periodic account jobs (Celery beat)."""

from celery import shared_task


@shared_task
def recompute_loyalty_tiers() -> dict:
    """Periodic (Celery beat): move consumers between loyalty tiers."""
    from accounts.loyalty import loyalty_recompute

    return loyalty_recompute()
