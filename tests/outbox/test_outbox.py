"""The transactional outbox: rows commit with their change, the relay delivers
them with retries, and every effect happens once."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from commerce.outbox import registry
from commerce.outbox.exceptions import OutboxError
from commerce.outbox.models import OutboxMessage, OutboxReceipt
from commerce.outbox.services import (
    effect_once,
    outbox_emit,
    outbox_purge,
    outbox_relay,
    outbox_retry,
)
from tests import factories
from tests.helpers import at_once

TOPIC = "test.effect"


class Boom(Exception):
    pass


@pytest.fixture
def handled():
    """A handler for TOPIC that records each call; ``fail`` makes the next calls raise."""
    calls: list = []
    state = {"fail": 0}
    lock = threading.Lock()

    @registry.register(TOPIC)
    def handler(message):
        with lock:
            calls.append(message.pk)
            if state["fail"]:
                state["fail"] -= 1
                raise Boom("receiver down")

    yield calls, state
    registry.HANDLERS.pop(TOPIC, None)


def _due_now(message):
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_a_row_written_in_a_transaction_that_rolls_back_is_gone():
    with pytest.raises(Boom), transaction.atomic():
        outbox_emit(topic=TOPIC, payload={"n": 1})
        raise Boom

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_emitting_outside_a_transaction_is_refused():
    with pytest.raises(OutboxError):
        outbox_emit(topic=TOPIC, payload={})

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_keyed_emit_is_written_once():
    with transaction.atomic():
        first = outbox_emit(topic=TOPIC, payload={"n": 1}, key="order-1-email")
        second = outbox_emit(topic=TOPIC, payload={"n": 2}, key="order-1-email")

    assert first.pk == second.pk
    assert OutboxMessage.objects.get().payload == {"n": 1}


@pytest.mark.django_db
def test_the_inline_relay_delivers_right_after_commit(handled, committed):
    calls, _ = handled
    with committed(), transaction.atomic():
        message = outbox_emit(topic=TOPIC, payload={})
        assert calls == []  # nothing before the commit

    message.refresh_from_db()
    assert calls == [message.pk]
    assert message.status == "done"
    assert message.attempts == 1
    assert message.delivered_at is not None


@pytest.mark.django_db
def test_inline_a_commit_also_relays_retries_that_came_due(handled, committed, settings):
    settings.OUTBOX_INLINE_SWEEP = 20
    calls, state = handled
    state["fail"] = 1
    with committed(), transaction.atomic():
        failed = outbox_emit(topic=TOPIC, payload={})
    failed.refresh_from_db()
    assert failed.status == "failed"

    with committed(), transaction.atomic():
        later = outbox_emit(topic=TOPIC, payload={})
    assert calls == [failed.pk, later.pk]  # the retry is not due yet

    _due_now(failed)
    with committed(), transaction.atomic():
        last = outbox_emit(topic=TOPIC, payload={})

    assert calls == [failed.pk, later.pk, last.pk, failed.pk]
    failed.refresh_from_db()
    assert failed.status == "done"


@pytest.mark.django_db
def test_a_failing_handler_is_retried_with_backoff_then_dead(handled, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    calls, state = handled
    state["fail"] = 99
    with transaction.atomic():
        message = outbox_emit(topic=TOPIC, payload={})

    before = timezone.now()
    assert outbox_relay().retried == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert "receiver down" in message.last_error
    first_wait = message.next_attempt_at - before
    assert timedelta(seconds=10) <= first_wait <= timedelta(seconds=13)

    assert outbox_relay().claimed == 0  # not due yet
    assert len(calls) == 1

    _due_now(message)
    before = timezone.now()
    outbox_relay()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 2)
    assert timedelta(seconds=20) <= message.next_attempt_at - before <= timedelta(seconds=25)

    _due_now(message)
    assert outbox_relay().dead == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("dead", 3)
    assert len(calls) == 3

    _due_now(message)
    assert outbox_relay().claimed == 0  # dead rows wait for staff
    assert len(calls) == 3


@pytest.mark.django_db
def test_a_row_without_a_handler_is_dead_at_once():
    with transaction.atomic():
        message = outbox_emit(topic="test.nobody", payload={})

    assert outbox_relay().dead == [message.pk]
    message.refresh_from_db()
    assert "no handler" in message.last_error


@pytest.mark.django_db
def test_redelivery_after_partial_work_does_not_repeat_the_effect(handled):
    effects: list[str] = []
    failures = {"b": 1}

    @registry.register("test.two-steps")
    def two_steps(message):
        effect_once(message, lambda: effects.append("a"), step="a")

        def b():
            if failures["b"]:
                failures["b"] -= 1
                raise Boom("second step failed")
            effects.append("b")

        effect_once(message, b, step="b")

    try:
        with transaction.atomic():
            message = outbox_emit(topic="test.two-steps", payload={})
        outbox_relay()
        message.refresh_from_db()
        assert message.status == "failed"
        assert effects == ["a"]

        _due_now(message)
        outbox_relay()
        _due_now(message)
        outbox_relay()  # done rows are not taken again
    finally:
        registry.HANDLERS.pop("test.two-steps", None)

    message.refresh_from_db()
    assert message.status == "done"
    assert effects == ["a", "b"]
    assert set(OutboxReceipt.objects.values_list("step", flat=True)) == {"a", "b"}


@pytest.mark.django_db
def test_a_row_left_delivering_by_a_dead_relay_is_taken_again_after_its_lease(handled):
    calls, _ = handled
    with transaction.atomic():
        message = outbox_emit(topic=TOPIC, payload={})
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="delivering", attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert outbox_relay().claimed == 0  # another relay holds the lease

    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert outbox_relay().done == [message.pk]
    assert calls == [message.pk]


@pytest.mark.django_db
def test_staff_retry_brings_a_dead_row_back(handled, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    calls, state = handled
    state["fail"] = 1
    with transaction.atomic():
        message = outbox_emit(topic=TOPIC, payload={})
    outbox_relay()
    message.refresh_from_db()
    assert message.status == "dead"

    assert outbox_retry(ids=[message.pk]) == 1
    assert outbox_relay().done == [message.pk]
    assert calls == [message.pk, message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("done", 1, "")


@pytest.mark.django_db
def test_the_purge_forgets_old_delivered_rows_only(handled):
    with transaction.atomic():
        old, recent, dead = (outbox_emit(topic=TOPIC, payload={}) for _ in range(3))
    outbox_relay(ids=[old.pk, recent.pk])
    OutboxMessage.objects.filter(pk=old.pk).update(delivered_at=timezone.now() - timedelta(days=8))
    OutboxMessage.objects.filter(pk=dead.pk).update(
        status="dead", created=timezone.now() - timedelta(days=30)
    )

    assert outbox_purge(older_than=timedelta(days=7)) == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, dead.pk}


@pytest.mark.django_db
def test_the_relay_command_runs_once(handled, capsys):
    calls, _ = handled
    with transaction.atomic():
        messages = [outbox_emit(topic=TOPIC, payload={"n": n}) for n in range(3)]

    call_command("relay_outbox", "--once")

    assert calls == [m.pk for m in messages]
    assert "Relayed 3" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_relays_racing_deliver_each_row_once(handled, settings, monkeypatch):
    settings.OUTBOX_INLINE = False
    monkeypatch.setattr("commerce.outbox.services._nudge", lambda: None)
    calls, _ = handled
    with transaction.atomic():
        ids = [outbox_emit(topic=TOPIC, payload={"n": n}).pk for n in range(60)]
    slow = registry.HANDLERS[TOPIC].func

    @registry.register(TOPIC)
    def slower(message):
        time.sleep(0.005)
        slow(message)

    def relay_all():
        total = 0
        while True:
            result = outbox_relay(limit=7)
            if not result.claimed:
                return total
            total += len(result.done)

    first, second = at_once(relay_all, relay_all, what="a relay")

    assert sorted(calls) == ids  # each row handled exactly once
    assert first + second == 60
    assert first > 0 and second > 0
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"done"}


@pytest.mark.django_db(transaction=True)
def test_an_order_commits_while_the_broker_is_down_and_its_effects_follow(settings, monkeypatch):
    """Redis unreachable at commit: the order stands, its side effects wait in
    the outbox (the nudge fails quietly, off the request) and a later relay
    delivers them."""
    from celery import Celery

    from commerce.outbox import services
    from commerce.outbox.tasks import relay_outbox
    from tests.helpers import place_portal_order

    settings.OUTBOX_INLINE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(services, "_quiet_until", 0.0)
    nudges = []
    real_nudge = services._nudge
    monkeypatch.setattr(services, "_nudge", lambda: nudges.append(real_nudge()))
    # The nudge (the relay task, by name) goes to a broker where nothing listens.
    dead = Celery("dead", broker="redis://127.0.0.1:1/0", set_as_current=False)
    assert relay_outbox.name == services.RELAY_TASK
    monkeypatch.setattr(services, "current_app", dead)
    company = factories.business("Outage Ltd")
    user = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=5)

    started = time.monotonic()
    order = place_portal_order(company, user, product, 2).order
    took = time.monotonic() - started
    threads = [t for t in nudges if t is not None]
    for thread in threads:
        thread.join(30)

    rows = OutboxMessage.objects.order_by("id")
    assert len(threads) == 1  # one nudge for the commit, and it failed
    assert services._quiet_until > time.monotonic()
    assert took < 5  # the dead broker does not hold up the buyer
    assert order.pk is not None
    assert set(rows.values_list("status", flat=True)) == {"pending"}
    assert "order.placed_email" in set(rows.values_list("topic", flat=True))
    assert mail.outbox == []

    outbox_relay()

    assert set(rows.values_list("status", flat=True)) == {"done"}
    assert len([m for m in mail.outbox if str(order.number) in m.subject + m.body]) == 1


@pytest.mark.django_db(transaction=True)
def test_the_nudge_runs_the_relay_task_by_name(handled, settings, monkeypatch):
    """Without inline relaying the commit nudges the relay task by its name (the
    services never import the task module); where tasks run eagerly it delivers."""
    from celery import current_app

    from commerce.outbox import services

    settings.OUTBOX_INLINE = False
    monkeypatch.setattr(services, "_quiet_until", 0.0)
    assert current_app.conf.task_always_eager
    assert services.RELAY_TASK in current_app.tasks
    calls, _ = handled
    threads = []
    real_nudge = services._nudge
    monkeypatch.setattr(services, "_nudge", lambda: threads.append(real_nudge()))

    with transaction.atomic():
        message = outbox_emit(topic=TOPIC, payload={})
    for thread in threads:
        thread.join(30)

    assert len(threads) == 1
    assert calls == [message.pk]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DONE


@pytest.mark.django_db
def test_a_deferred_row_is_never_relayed_on_the_emitting_thread(handled, committed, monkeypatch):
    from commerce.outbox import services

    calls, _ = handled
    backgrounded = []
    monkeypatch.setattr(services, "_relay_in_background", backgrounded.append)
    with committed(), transaction.atomic():
        message = outbox_emit(topic=TOPIC, payload={}, deferred=True)

    assert calls == []  # the commit did not run it here
    assert backgrounded == [[message.pk]]


@pytest.mark.django_db(transaction=True)
def test_inline_a_deferred_row_is_relayed_on_a_thread_after_the_commit(handled):
    calls, _ = handled
    emitter = threading.get_ident()
    threads = []

    @registry.register(TOPIC)
    def handler(message):
        threads.append(threading.get_ident())
        calls.append(message.pk)

    with transaction.atomic():
        message = outbox_emit(topic=TOPIC, payload={}, deferred=True)

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status == "done":
            break
        time.sleep(0.05)
    assert message.status == "done"
    assert calls == [message.pk]
    assert threads and threads[0] != emitter
