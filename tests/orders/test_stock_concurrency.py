"""Checkouts racing for stock, on PostgreSQL with real threads."""

import threading

import pytest
from django.db import connection
from oscar.core.loading import get_model

from tests import factories
from tests.orders.conftest import checkout_data, portal_buyer

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(clients, data_for, timeout=120):
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def run(n, client):
        try:
            barrier.wait()
            responses[n] = client.post("/checkout/", data_for(n))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a checkout hung (deadlock?)"
    return responses


def test_thirty_checkouts_for_the_last_ten_units_make_exactly_ten_orders(company):
    product = factories.ProductFactory(stock=10)
    clients = [portal_buyer(company) for _ in range(30)]
    for client in clients:
        assert client.post(f"/basket/add/{product.pk}/", {"quantity": 1}).status_code == 302

    responses = race(clients, lambda n: checkout_data(company))

    codes = sorted(r.status_code for r in responses)
    assert codes == [302] * 10 + [400] * 20
    refused = [r for r in responses if r.status_code == 400]
    assert all(
        "sold out" in r.content.decode() or "Not enough stock" in r.content.decode()
        for r in refused
    )
    assert Order.objects.count() == 10
    record = StockRecord.objects.get(product=product)
    assert record.num_allocated == 10
    assert record.num_allocated <= record.num_in_stock


def test_baskets_taking_the_same_products_in_opposite_orders_do_not_deadlock(company):
    first = factories.ProductFactory(stock=1000)
    second = factories.ProductFactory(stock=1000)
    second.stockrecords.update(partner=factories.PartnerFactory(code="north", name="North"))
    clients = [portal_buyer(company) for _ in range(16)]
    for n, client in enumerate(clients):
        for product in (first, second) if n % 2 else (second, first):
            client.post(f"/basket/add/{product.pk}/", {"quantity": 3})

    responses = race(clients, lambda n: checkout_data(company))

    assert [r.status_code for r in responses] == [302] * 16
    assert Order.objects.count() == 16
    assert sum(StockRecord.objects.values_list("num_allocated", flat=True)) == 16 * 6


def test_the_same_checkout_submitted_twice_at_once_makes_one_order(company):
    product = factories.ProductFactory(stock=10)
    client = portal_buyer(company)
    client.post(f"/basket/add/{product.pk}/", {"quantity": 2})
    data = checkout_data(company)

    responses = race([client, client], lambda n: data)

    assert Order.objects.count() == 1
    assert {r.status_code for r in responses} == {302}
    assert len({r["Location"] for r in responses}) == 1
    assert StockRecord.objects.get(product=product).num_allocated == 2


def test_two_tabs_with_different_keys_still_make_one_order(company):
    product = factories.ProductFactory(stock=10)
    client = portal_buyer(company)
    client.post(f"/basket/add/{product.pk}/", {"quantity": 2})

    responses = race([client, client], lambda n: checkout_data(company))

    assert Order.objects.count() == 1
    assert all(r.status_code == 302 for r in responses)
    assert StockRecord.objects.get(product=product).num_allocated == 2
