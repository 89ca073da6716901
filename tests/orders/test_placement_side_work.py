"""What placing an order does besides the order: low-stock alerts for the
stock it takes, no search document rebuilt (search shows no stock), and
Oscar's purchase counters counted once, after the commit, from the outbox."""

import pytest
from oscar.core.loading import get_model

from commerce.order import analytics
from commerce.outbox.models import OutboxMessage
from tests import factories
from tests.helpers import place_portal_order

StockAlert = get_model("partner", "StockAlert")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    company = factories.business("Acme Industrial")
    return company, factories.MembershipFactory(company=company).user


def test_an_order_taking_stock_below_its_threshold_opens_one_low_stock_alert(buyer):
    company, user = buyer
    product = factories.ProductFactory(stock=10)
    record = product.stockrecords.get()
    record.low_stock_threshold = 5
    record.save()

    place_portal_order(company, user, product, 4)  # 6 left: above the threshold
    assert not StockAlert.objects.exists()

    place_portal_order(company, user, product, 2)  # 4 left: below it
    place_portal_order(company, user, product, 1)  # still below: no second alert

    [alert] = StockAlert.objects.all()
    assert (alert.stockrecord_id, alert.status, alert.threshold) == (record.pk, "Open", 5)
    record.refresh_from_db()
    assert record.num_allocated == 7


def test_an_order_leaving_every_record_above_its_threshold_looks_for_no_alert(buyer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    company, user = buyer
    product = factories.ProductFactory(stock=10)
    record = product.stockrecords.get()
    record.low_stock_threshold = 5
    record.save()

    with CaptureQueriesContext(connection) as placed:
        place_portal_order(company, user, product, 4)  # 6 left: above the threshold

    assert not [q for q in placed.captured_queries if "partner_stockalert" in q["sql"]]
    assert not StockAlert.objects.exists()


def test_placing_an_order_rebuilds_no_search_document(buyer, monkeypatch):
    from catalog import search

    company, user = buyer
    products = [factories.ProductFactory(stock=10) for _ in range(2)]
    rebuilt = []
    monkeypatch.setattr(search, "reindex", lambda ids: rebuilt.extend(ids))

    place_portal_order(company, user, products[0], 1)
    place_portal_order(company, user, products[1], 3)

    assert rebuilt == []
    assert [p.stockrecords.get().num_allocated for p in products] == [1, 3]


def test_purchase_counters_are_counted_once_after_the_commit(buyer, committed):
    company, user = buyer
    product = factories.ProductFactory(stock=10)

    with committed():
        order = place_portal_order(company, user, product, 3).order
        assert not ProductRecord.objects.filter(product=product).exists()  # not before

    assert ProductRecord.objects.get(product=product).num_purchases == 3
    record = UserRecord.objects.get(user=user)
    assert (record.num_orders, record.num_order_lines, record.num_order_items) == (1, 1, 3)
    assert record.total_spent == order.total_incl_tax

    # Delivered again (at-least-once relay): counted once all the same.
    message = OutboxMessage.objects.get(topic=analytics.TOPIC_PURCHASE_COUNTERS)
    analytics._purchase_counters(message)
    assert ProductRecord.objects.get(product=product).num_purchases == 3
    assert UserRecord.objects.get(user=user).num_orders == 1

    with committed():
        place_portal_order(company, user, product, 2)
    assert ProductRecord.objects.get(product=product).num_purchases == 5
    assert UserRecord.objects.get(user=user).num_orders == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_orders_counted_at_once_lose_no_purchase_and_never_deadlock():
    """Two counting handlers meet on the same, never counted products (listed in
    opposite order in their orders): both counts land, neither waits forever."""
    from django.db import transaction

    from tests.helpers import at_once

    company = factories.business("Acme Industrial")
    user = factories.MembershipFactory(company=company).user
    first, second = (factories.ProductFactory(stock=50) for _ in range(2))
    orders = [
        place_portal_order(company, user, first, 1).order,
        place_portal_order(company, user, second, 2).order,
    ]
    for order, extra, quantity in ((orders[0], second, 4), (orders[1], first, 8)):
        line = order.lines.get()
        line.pk = None
        line.product, line.quantity = extra, quantity
        line.save()
    ProductRecord.objects.all().delete()
    UserRecord.objects.all().delete()

    def count(order):
        def run():
            with transaction.atomic():
                analytics.purchase_counters_record(order=order)

        return run

    at_once(count(orders[0]), count(orders[1]), what="counting purchases")

    counts = dict(ProductRecord.objects.values_list("product_id", "num_purchases"))
    assert counts == {first.pk: 1 + 8, second.pk: 2 + 4}
    assert UserRecord.objects.get(user=user).num_orders == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_purchases_and_product_views_counted_at_once_lose_nothing_and_never_deadlock():
    """The purchase counters and a batch of product views lock the same counter
    rows: products in product order, then the viewer's or buyer's record. Met
    round after round, on products listed in opposite orders, both land."""
    from django.db import transaction

    from catalog.product_views import product_views_apply
    from tests.helpers import at_once

    company = factories.business("Acme Industrial")
    user = factories.MembershipFactory(company=company).user
    first, second = (factories.ProductFactory(stock=50) for _ in range(2))
    order = place_portal_order(company, user, second, 2).order
    line = order.lines.get()
    line.pk = None
    line.product, line.quantity = first, 3
    line.save()
    ProductRecord.objects.all().delete()
    UserRecord.objects.all().delete()
    rounds = 5

    def purchases():
        with transaction.atomic():
            analytics.purchase_counters_record(order=order)

    def views():
        with transaction.atomic():
            product_views_apply(
                products={second.pk: 4, first.pk: 1},
                users={user.pk: 5},
                views=[(second.pk, user.pk)] * 4 + [(first.pk, user.pk)],
            )

    for _ in range(rounds):
        at_once(purchases, views, what="counting purchases and views")

    counts = {
        row[0]: row[1:]
        for row in ProductRecord.objects.values_list("product_id", "num_purchases", "num_views")
    }
    assert counts == {first.pk: (3 * rounds, rounds), second.pk: (2 * rounds, 4 * rounds)}
    record = UserRecord.objects.get(user=user)
    assert (record.num_orders, record.num_product_views) == (rounds, 5 * rounds)
