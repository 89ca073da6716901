"""Scheduled replenishment from shopping lists (Celery beat)."""

from celery import shared_task


@shared_task
def replenish_lists() -> int:
    """Hourly: every list whose next run is due prepares its owner's basket
    (through the outbox) and is scheduled again."""
    from commerce.lists.services import list_replenish, lists_due

    return sum(list_replenish(list_id=pk) for pk in lists_due())
