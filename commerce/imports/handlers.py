"""Import jobs are long: the outbox row only hands them to a Celery worker.
What is durable is "the job was queued"; while the broker is down the relay
keeps retrying the hand-off."""

from commerce.imports import tasks, topics
from commerce.outbox.registry import register


@register(topics.VALIDATE)
def _validate(message) -> None:
    tasks.validate_import.delay(message.payload["job"])


@register(topics.APPLY)
def _apply(message) -> None:
    tasks.apply_import.delay(message.payload["job"])
