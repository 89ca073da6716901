"""The side-effect path end to end: a placed order's confirmation is an outbox row
written with the order, delivered after commit, once."""

import threading
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from oscar.core.loading import get_model

from commerce.celery import app as celery_app
from commerce.order.handlers import TOPIC_PLACED_EMAIL, send_order_placed_email
from commerce.outbox.models import OutboxMessage
from commerce.outbox.tasks import relay_outbox
from tests import factories
from tests.helpers import checkout

Order = get_model("order", "Order")
CommunicationEvent = get_model("order", "CommunicationEvent")


PLACED_TOPICS = sorted(
    [
        TOPIC_PLACED_EMAIL,
        "order.capture_payment",
        "checkout.order_source",
        "order.purchase_counters",
        "webhook.event",
        "webhook.event",
    ]
)


def guest_checkout(client, product, email="guest@example.com"):
    return checkout(client, product, guest_email=email)


@pytest.mark.django_db
def test_guest_checkout_places_an_order_and_emails_after_commit(
    storefront_client, django_capture_on_commit_callbacks
):
    product = factories.ProductFactory(stock=3)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = guest_checkout(storefront_client, product)

    assert response.status_code == 302
    assert response["Location"] == "/checkout/thank-you/"
    order = Order.objects.get()
    assert order.guest_email == "guest@example.com"
    assert order.site_id == 1
    # Written with the order, relayed once it committed: the confirmation, the
    # card capture, the order's source (how it came), two webhook events (order,
    # stock) and the purchase counters.
    assert callbacks
    assert sorted(OutboxMessage.objects.values_list("topic", flat=True)) == PLACED_TOPICS
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"done"}
    assert [m.to for m in mail.outbox] == [["guest@example.com"]]
    assert order.number in mail.outbox[0].body


@pytest.mark.django_db
def test_no_email_until_the_order_commits(storefront_client, django_capture_on_commit_callbacks):
    product = factories.ProductFactory(stock=3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        guest_checkout(storefront_client, product)

    assert callbacks
    assert sorted(OutboxMessage.objects.values_list("topic", flat=True)) == PLACED_TOPICS
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_task_is_safe_to_run_twice(storefront_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        guest_checkout(storefront_client, factories.ProductFactory(stock=3))
    order = Order.objects.get()

    again = send_order_placed_email(order.pk)

    assert again is False
    assert len(mail.outbox) == 1
    assert CommunicationEvent.objects.filter(order=order).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_relays_the_confirmation_from_the_broker(
    storefront_client, settings, monkeypatch
):
    """The relay task through the configured broker (Redis in CI, in-memory
    otherwise) to a worker thread; the web process only wrote the outbox row.

    The worker has its own database connection. While it works the test thread
    waits on Celery's ``task_postrun`` signal rather than polling the database:
    on SQLite both connections share one in-memory database whose table locks
    do not wait, so a read racing the worker's write would fail at random.
    """
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.OUTBOX_INLINE = False
    monkeypatch.setattr("commerce.outbox.services._nudge", lambda: None)  # the worker relays
    celery_app.conf.task_always_eager = False
    try:
        guest_checkout(storefront_client, factories.ProductFactory(stock=3))
    finally:
        celery_app.conf.task_always_eager = True
    order_id = Order.objects.get().pk
    assert OutboxMessage.objects.get(topic=TOPIC_PLACED_EMAIL).status == "pending"
    assert mail.outbox == []

    queue = f"test-{uuid.uuid4().hex}"  # never picks up another run's messages
    finished = threading.Event()
    outcomes = []

    def on_postrun(sender=None, task_id=None, retval=None, state=None, **kwargs):
        if getattr(sender, "name", None) == relay_outbox.name:
            outcomes.append((state, retval))
            finished.set()

    task_postrun.connect(on_postrun, weak=False)
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app, perform_ping_check=False, shutdown_timeout=30, queues=[queue]
        ):
            result = relay_outbox.apply_async(queue=queue)
            ran = finished.wait(timeout=60)
    finally:
        celery_app.conf.task_always_eager = True
        task_postrun.disconnect(on_postrun)

    assert result.id
    assert ran, "the worker never ran the task"
    assert [state for state, _ in outcomes] == ["SUCCESS"]
    assert CommunicationEvent.objects.filter(order_id=order_id).count() == 1
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get(topic=TOPIC_PLACED_EMAIL).status == "done"
