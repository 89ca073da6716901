"""Two checkouts with the same Idempotency-Key at the same moment, on
PostgreSQL with real threads: one order, and the second request answers with
the first one's stored response."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from commerce.checkout import placement
from commerce.order.models import IdempotencyKey
from tests import factories
from tests.api.conftest import portal_api

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("attempt", range(3))
def test_two_requests_with_one_key_create_one_order(company, people, monkeypatch, attempt):
    from commerce.order.models import Order

    client = portal_api(people["buyer"])
    product = factories.ProductFactory(stock=10)
    assert (
        client.post(
            "/api/basket/lines/", {"product": product.pk, "quantity": 1}, format="json"
        ).status_code
        == 201
    )
    body = {
        "payment_method": "account",
        "ship_to": company.addresses.get(kind="ship_to", is_default=True).pk,
    }
    # Hold the first placement open so the second request arrives while it runs.
    slow = placement.check_basket

    def slowly(basket):
        time.sleep(0.5)
        return slow(basket)

    monkeypatch.setattr(placement, "check_basket", slowly)
    clients = [client, APIClient(HTTP_HOST=settings.PORTAL_HOST)]
    clients[1].credentials(**client._credentials)
    barrier = threading.Barrier(2)
    responses = [None, None]

    def run(n, delay):
        try:
            barrier.wait()
            time.sleep(delay)
            responses[n] = clients[n].post(
                "/api/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="race-key"
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, 0.2 * n)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads)

    assert [r.status_code for r in responses] == [201, 201], [r.content for r in responses]
    assert responses[0].json() == responses[1].json()
    assert [r.get("Idempotent-Replayed") for r in responses] == [None, "true"]
    assert Order.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
