"""The webhook API contract: who may use it, the secret shown once, the error
shape, the delivery log and redelivery."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.staff_policy import staff_role_assign
from commerce.webhooks import events
from commerce.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests import factories
from tests.api.conftest import assert_error, portal_api, storefront_api

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:8765/hook"


def _staff(role=None, **kwargs):
    user = factories.UserFactory(is_staff=True, **kwargs)
    if role:
        staff_role_assign(user=user, role_key=role)
    return user


def _session(user) -> Client:
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(user)
    return client


def _create(client, **body):
    return client.post(
        "/api/webhooks/",
        {"url": URL, "events": ["order.placed"], **body},
        content_type="application/json",
    )


def test_staff_register_a_webhook_and_see_the_secret_once():
    client = _session(factories.StaffFactory())

    created = _create(client, events=["order.placed", "invoice.issued"])

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 30
    assert body["url"] == URL
    assert body["events"] == ["order.placed", "invoice.issued"]
    assert body["active"] is True
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == body["secret"]
    detail = client.get(f"/api/webhooks/{endpoint.pk}/").json()
    assert "secret" not in detail
    listed = client.get("/api/webhooks/").json()
    assert listed["count"] == 1
    assert "secret" not in listed["results"][0]


def test_a_given_secret_is_kept():
    client = _session(factories.StaffFactory())

    body = _create(client, secret="my-own-secret-0123456789").json()

    assert body["secret"] == "my-own-secret-0123456789"
    assert WebhookEndpoint.objects.get().secret == "my-own-secret-0123456789"


def test_the_administrator_role_may_and_a_catalog_manager_may_not():
    assert _create(_session(_staff("administrator"))).status_code == 201
    refused = _create(_session(_staff("catalog_manager")))
    assert_error(refused, 403, "permission_denied")
    assert WebhookEndpoint.objects.count() == 1


def test_tokens_personal_of_staff_and_integration_may():
    staff = factories.StaffFactory()
    assert _create(storefront_api(staff)).status_code == 201
    company = factories.business("Acme Industrial")
    admin = factories.MembershipFactory(company=company, role="admin").user
    assert _create(portal_api(admin, kind="integration")).status_code == 201


def test_customers_and_strangers_are_refused():
    consumer = factories.UserFactory()
    company = factories.business("Acme Industrial")
    member = factories.MembershipFactory(company=company, role="admin").user
    endpoint = WebhookEndpoint.objects.create(url=URL, secret="s" * 20, events=["order.placed"])

    assert_error(_create(_session(consumer)), 403, "permission_denied")
    assert_error(_create(storefront_api(consumer)), 403, "permission_denied")
    assert_error(_create(portal_api(member, company=company)), 403, "permission_denied")
    assert storefront_api().get("/api/webhooks/").status_code in (401, 403)
    assert storefront_api(consumer).get(f"/api/webhooks/{endpoint.pk}/").status_code == 403
    assert storefront_api(consumer).delete(f"/api/webhooks/{endpoint.pk}/").status_code == 403
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"events": ["order.exploded"]}, "events"),
        ({"events": []}, "events"),
        ({"url": "not a url"}, "url"),
        ({"url": "ftp://127.0.0.1/"}, "url"),
        ({"secret": "short"}, "secret"),
    ],
)
def test_bad_input_is_a_validation_error(body, field):
    response = _create(_session(factories.StaffFactory()), **body)

    found = assert_error(response, 400, "validation_error")
    assert field in found["details"]
    assert not WebhookEndpoint.objects.exists()


def test_a_private_url_is_refused_under_production_settings(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []

    response = _create(_session(factories.StaffFactory()), url="http://10.0.0.7/hook")

    found = assert_error(response, 400, "validation_error")
    assert "non-public" in found["details"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_patch_and_delete():
    client = _session(factories.StaffFactory())
    pk = _create(client).json()["id"]

    changed = client.patch(
        f"/api/webhooks/{pk}/",
        {"events": ["stock.changed"], "active": False},
        content_type="application/json",
    )

    assert changed.status_code == 200, changed.content
    assert changed.json()["events"] == ["stock.changed"]
    assert changed.json()["active"] is False
    bad = client.patch(
        f"/api/webhooks/{pk}/", {"events": ["nope"]}, content_type="application/json"
    )
    assert_error(bad, 400, "validation_error")
    assert client.delete(f"/api/webhooks/{pk}/").status_code == 204
    assert_error(client.get(f"/api/webhooks/{pk}/"), 404, "not_found")


def test_the_delivery_log_and_redelivery(committed):
    client = _session(factories.StaffFactory())
    pk = _create(client, url="http://127.0.0.1:9/closed").json()["id"]
    other = _create(client).json()["id"]
    with committed():
        from django.db import transaction

        with transaction.atomic():
            events.webhook_event(type=events.ORDER_PLACED, data={"number": "100001"})
    delivery = WebhookDelivery.objects.get(endpoint_id=pk)

    log = client.get(f"/api/webhooks/{pk}/deliveries/").json()

    assert log["count"] == 1
    row = log["results"][0]
    assert row["id"] == delivery.pk
    assert row["event_type"] == "order.placed"
    assert row["status"] == "pending"
    assert row["attempts"] == 1
    assert row["payload"]["data"] == {"number": "100001"}
    with committed():
        again = client.post(f"/api/webhooks/{pk}/deliveries/{delivery.pk}/redeliver/")
    assert again.status_code == 202, again.content
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    wrong = client.post(f"/api/webhooks/{other}/deliveries/{delivery.pk}/redeliver/")
    assert_error(wrong, 404, "not_found")
