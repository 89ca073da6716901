"""Write side effects with the change that causes them; relay them afterwards.

``outbox_emit`` is called inside the business transaction: the row commits or
rolls back with the change. ``outbox_relay`` claims due rows (``SELECT ... FOR
UPDATE SKIP LOCKED`` in id order, so relays running side by side never take the
same row), runs each row's handler outside any transaction, and marks it done,
or schedules a retry with exponential backoff and jitter until it runs out of
attempts (``dead``). A relay that dies mid-row leaves it ``delivering`` with a
lease; once the lease ends the row is due again.

Who relays: a Celery beat task every few seconds, ``manage.py relay_outbox``,
and, with ``OUTBOX_INLINE`` (the embedded default), the web process itself right
after the commit. Otherwise the commit only nudges a worker, and a failed nudge
is harmless: the rows are in the database and the next sweep takes them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from commerce.outbox.exceptions import NoHandler, OutboxError
from commerce.outbox.models import OutboxMessage, OutboxReceipt
from commerce.outbox.registry import Handler, handler_for

logger = logging.getLogger(__name__)

# The relay's Celery task (``commerce.outbox.tasks``), nudged by name.
RELAY_TASK = "commerce.outbox.tasks.relay_outbox"

Status = OutboxMessage.Status
RETRYABLE = (Status.PENDING, Status.FAILED)


def outbox_emit(
    *, topic: str, payload: dict, key: str | None = None, deferred: bool = False
) -> OutboxMessage:
    """Record a side effect of the current transaction (it must be open).

    With ``key``, a second emit with the same key is ignored and the first row
    is returned: one effect per key. A ``deferred`` row is never relayed on the
    emitting thread (long work a request must not wait for): with
    ``OUTBOX_INLINE`` a background thread relays it after the commit, otherwise
    the worker does.
    """
    if not connection.in_atomic_block:
        raise OutboxError(f"outbox_emit({topic!r}) needs the transaction of its change")
    if key is not None:
        with transaction.atomic():
            message, created = OutboxMessage.objects.get_or_create(
                key=key, defaults={"topic": topic, "payload": payload}
            )
        if not created:
            return message
    else:
        message = OutboxMessage.objects.create(topic=topic, payload=payload)
    message_id = message.pk
    transaction.on_commit(lambda: _after_commit([message_id], deferred=deferred), robust=True)
    return message


def outbox_emit_many(messages: list[tuple[str, dict]]) -> list[OutboxMessage]:
    """Record several side effects (``(topic, payload)`` pairs, without keys) of
    the current transaction in one INSERT; they are relayed in this order."""
    if not connection.in_atomic_block:
        raise OutboxError("outbox_emit_many needs the transaction of its change")
    if not messages:
        return []
    rows = OutboxMessage.objects.bulk_create(
        [OutboxMessage(topic=topic, payload=payload) for topic, payload in messages]
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _after_commit(ids), robust=True)
    return rows


def _after_commit(message_ids: list[int], *, deferred: bool = False) -> None:
    if settings.OUTBOX_INLINE and deferred:
        _relay_in_background(message_ids)
    elif settings.OUTBOX_INLINE:
        outbox_relay(ids=message_ids)
        if settings.OUTBOX_INLINE_SWEEP:
            # Nothing else relays here: retries that came due ride on this commit.
            outbox_relay(limit=settings.OUTBOX_INLINE_SWEEP)
    else:
        _nudge()


def _relay_in_background(message_ids: list[int]) -> threading.Thread:
    """Relay ``message_ids`` on a thread of their own (its own connection, closed after)."""

    def run() -> None:
        try:
            outbox_relay(ids=message_ids)
        except Exception:
            logger.exception("Background relay of %s failed; the next sweep retries", message_ids)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


_quiet_until = 0.0
_NUDGE_BURST = 0.5  # one nudge covers the rows of one commit
_NUDGE_BACKOFF = 10.0  # after a failed nudge the broker is likely down: leave it to beat


def _nudge() -> threading.Thread | None:
    """Wake a worker's relay, on a thread: a broker that is down must not hold
    up the request. A failed nudge is harmless (the beat sweep finds the rows)."""
    global _quiet_until
    now = time.monotonic()
    if now < _quiet_until:
        return None
    _quiet_until = now + _NUDGE_BURST
    thread = threading.Thread(target=_send_nudge, daemon=True)
    thread.start()
    return thread


def _send_nudge() -> None:
    global _quiet_until
    try:
        # By name: the task module imports this one, not the other way round.
        current_app.signature(RELAY_TASK).apply_async(retry=False)
    except Exception:
        _quiet_until = time.monotonic() + _NUDGE_BACKOFF
        logger.info("Could not nudge the outbox relay; the next sweep delivers the rows")


def effect_once(message: OutboxMessage, fn, *, step: str = ""):
    """Run ``fn`` once per (message, step): its effect and a receipt commit together,
    so a redelivered message skips what already took effect. Returns ``fn()``'s
    result, or None if it had run before."""
    with transaction.atomic():
        _, created = OutboxReceipt.objects.get_or_create(message_id=message.pk, step=step)
        if not created:
            return None
        return fn()


@dataclass
class RelayResult:
    done: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return len(self.done) + len(self.retried) + len(self.dead)


def _due(now) -> Q:
    return Q(status__in=RETRYABLE, next_attempt_at__lte=now) | Q(
        status=Status.DELIVERING, next_attempt_at__lte=now
    )


def _claim(limit: int, ids, topics) -> list[OutboxMessage]:
    with transaction.atomic():
        now = timezone.now()
        rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(_due(now))
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        if topics is not None:
            rows = rows.filter(topic__in=topics)
        claimed = list(rows.order_by("id")[:limit])
        if not claimed:
            return []
        lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
            status=Status.DELIVERING, attempts=F("attempts") + 1, next_attempt_at=lease
        )
    for message in claimed:
        message.status, message.attempts, message.next_attempt_at = (
            Status.DELIVERING,
            message.attempts + 1,
            lease,
        )
    return claimed


def retry_delay(handler: Handler | None, attempts: int) -> int | None:
    """Seconds before the next try after ``attempts`` failed ones; None = give up."""
    if handler is not None and handler.retry_delays is not None:
        delays = handler.retry_delays()
        return delays[attempts - 1] if attempts <= len(delays) else None
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        return None
    base = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    return int(min(base, settings.OUTBOX_RETRY_MAX_SECONDS))


def _with_jitter(seconds: int) -> timedelta:
    return timedelta(seconds=seconds * (1 + random.uniform(0, 0.2)))  # noqa: S311


def _deliver(message: OutboxMessage, result: RelayResult) -> None:
    handler = handler_for(message.topic)
    try:
        if handler is None:
            raise NoHandler(f"no handler for topic {message.topic!r}")
        handler.func(message)
    except Exception as error:
        _record_failure(message, handler, error, result)
        return
    now = timezone.now()
    update = {"status": Status.DONE, "delivered_at": now, "last_error": ""}
    if handler.scrub:
        update["payload"] = {k: v for k, v in message.payload.items() if k not in handler.scrub}
    OutboxMessage.objects.filter(pk=message.pk, status=Status.DELIVERING).update(**update)
    result.done.append(message.pk)


def _record_failure(message, handler, error, result: RelayResult) -> None:
    logger.warning("Outbox message %s (%s) failed: %s", message.pk, message.topic, error)
    text = "".join(traceback.format_exception_only(type(error), error)).strip()[:2000]
    delay = None if isinstance(error, NoHandler) else retry_delay(handler, message.attempts)
    if delay is None:
        update = {"status": Status.DEAD, "last_error": text}
        result.dead.append(message.pk)
    else:
        update = {
            "status": Status.FAILED,
            "last_error": text,
            "next_attempt_at": timezone.now() + _with_jitter(delay),
        }
        result.retried.append(message.pk)
    OutboxMessage.objects.filter(pk=message.pk, status=Status.DELIVERING).update(**update)


def outbox_relay(*, limit: int = 100, ids=None, topics=None) -> RelayResult:
    """Deliver up to ``limit`` due rows (only ``ids``/``topics`` if given), oldest first."""
    result = RelayResult()
    for message in _claim(limit, ids, topics):
        _deliver(message, result)
    return result


def outbox_drain(*, rounds: int = 20, limit: int = 100) -> RelayResult:
    """Relay until nothing is due (handlers may write further rows)."""
    total = RelayResult()
    for _ in range(rounds):
        result = outbox_relay(limit=limit)
        if not result.claimed:
            break
        total.done += result.done
        total.retried += result.retried
        total.dead += result.dead
    return total


def outbox_retry(*, ids) -> int:
    """Staff: send failed or dead rows (or pending ones now) again; returns how many."""
    return OutboxMessage.objects.filter(
        pk__in=list(ids), status__in=(Status.PENDING, Status.FAILED, Status.DEAD)
    ).update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")


def outbox_purge(*, older_than: timedelta) -> int:
    """Forget delivered rows older than ``older_than`` (failed and dead ones stay)."""
    cutoff = timezone.now() - older_than
    deleted, _ = OutboxMessage.objects.filter(status=Status.DONE, delivered_at__lt=cutoff).delete()
    return deleted
