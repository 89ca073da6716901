"""The outbox relay as a Celery task (the beat sweep and the after-commit nudge),
and the daily purge of delivered rows."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from commerce.outbox.services import RELAY_TASK, outbox_purge, outbox_relay


@shared_task(name=RELAY_TASK, ignore_result=True)
def relay_outbox(limit: int = 200) -> int:
    return outbox_relay(limit=limit).claimed


@shared_task(ignore_result=True)
def purge_outbox() -> int:
    return outbox_purge(older_than=timedelta(days=settings.OUTBOX_KEEP_DAYS))
