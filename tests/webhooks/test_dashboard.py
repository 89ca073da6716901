"""Staff manage webhooks and the outbox in the dashboard; product saves and
imports announce themselves."""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from accounts.staff_policy import staff_role_assign
from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_emit
from commerce.webhooks import events
from commerce.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests import factories
from tests.catalog.test_staff_editing import product_form_data

pytestmark = pytest.mark.django_db


def _client(role=None, superuser=False) -> Client:
    user = factories.UserFactory(is_staff=True, is_superuser=superuser)
    if role:
        staff_role_assign(user=user, role_key=role)
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(user)
    return client


def test_an_administrator_registers_a_webhook_and_sees_the_secret_once(receiver):
    client = _client("administrator")

    page = client.post(
        "/dashboard/webhooks/",
        {"url": receiver.url, "events": ["order.placed", "stock.changed"], "active": "on"},
    )

    assert page.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["order.placed", "stock.changed"]
    assert endpoint.secret in page.content.decode()
    detail = client.get(f"/dashboard/webhooks/{endpoint.pk}/")
    assert detail.status_code == 200
    assert endpoint.secret not in detail.content.decode()


def test_a_bad_url_is_refused_in_the_form(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []

    page = _client("administrator").post(
        "/dashboard/webhooks/", {"url": "http://169.254.169.254/", "events": ["order.placed"]}
    )

    assert page.status_code == 400
    assert "non-public" in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_other_roles_do_not_see_integrations():
    client = _client("catalog_manager")

    assert client.get("/dashboard/webhooks/").status_code == 403
    assert client.get("/dashboard/outbox/").status_code == 403


def test_staff_redeliver_from_the_delivery_log(receiver, committed):
    client = _client(superuser=True)
    endpoint = WebhookEndpoint.objects.create(
        url=receiver.url, secret="s" * 20, events=["company.updated"]
    )
    with committed(), transaction.atomic():
        events.webhook_event(type=events.COMPANY_UPDATED, data={"id": 7})
    delivery = WebhookDelivery.objects.get()
    log = client.get(f"/dashboard/webhooks/{endpoint.pk}/")
    assert f'data-delivery-id="{delivery.pk}"' in log.content.decode()

    with committed():
        response = client.post(
            f"/dashboard/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/"
        )

    assert response.status_code == 302
    assert len(receiver.requests) == 2


def test_the_outbox_page_lists_dead_rows_and_retries_them():
    client = _client("administrator")
    with transaction.atomic():
        dead = outbox_emit(topic="order.placed_email", payload={"order": 0})
        waiting = outbox_emit(topic="basket.share_email", payload={"share": 0})
    OutboxMessage.objects.filter(pk=dead.pk).update(status="dead", attempts=10, last_error="Boom")

    page = client.get("/dashboard/outbox/?status=dead")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-message-id="{dead.pk}"' in html
    assert f'data-message-id="{waiting.pk}"' not in html
    assert "Boom" in html
    by_topic = client.get("/dashboard/outbox/?topic=basket.share_email").content.decode()
    assert f'data-message-id="{waiting.pk}"' in by_topic
    assert f'data-message-id="{dead.pk}"' not in by_topic

    response = client.post("/dashboard/outbox/retry/", {"ids": [dead.pk]})

    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.last_error) == ("pending", 0, "")


def test_a_product_saved_in_the_dashboard_is_announced():
    client = _client(superuser=True)
    product = factories.ProductFactory(stock=False)

    response = client.post(
        f"/dashboard/catalogue/products/{product.pk}/",
        product_form_data(product, factories.make_category("Tools")),
    )

    assert response.status_code == 302
    announced = [
        m.payload for m in OutboxMessage.objects.filter(topic="webhook.event").order_by("id")
    ]
    assert [(p["type"], p["data"]["products"]) for p in announced] == [
        ("product.updated", [product.pk])
    ]
