"""Quote housekeeping (Celery beat)."""

from celery import shared_task


@shared_task
def expire_quotes() -> int:
    """Hourly: offers past their validity become expired (and the buyer is told)."""
    from commerce.quotes.services import quotes_expire

    return quotes_expire()
