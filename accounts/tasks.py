"""Periodic account jobs (Celery beat)."""

from celery import shared_task


@shared_task
def recompute_loyalty_tiers() -> dict:
    """Periodic (Celery beat): move consumers between loyalty tiers."""
    from accounts.loyalty import loyalty_recompute

    return loyalty_recompute()


@shared_task
def expire_assisted_sessions() -> dict:
    """Periodic (Celery beat): end idle assisted sessions, close unbegun ones."""
    from accounts.assisted import assisted_sessions_expire

    return assisted_sessions_expire()
