"""The outbox relay as a Celery task: the beat sweep and the after-commit nudge."""

from celery import shared_task

from commerce.outbox.services import outbox_relay


@shared_task(ignore_result=True)
def relay_outbox(limit: int = 200) -> int:
    return outbox_relay(limit=limit).claimed
