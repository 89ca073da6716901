"""Order statuses move only along the pipeline; each move has its side effects."""

import pytest
from django.core import mail
from oscar.core.loading import get_model

from commerce.fulfilment.transitions import order_set_status
from commerce.order.exceptions import IllegalStatusChange
from tests import factories
from tests.helpers import checkout
from tests.orders.conftest import checkout_data, portal_buyer

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Source = get_model("payment", "Source")
pytestmark = pytest.mark.django_db


@pytest.fixture
def card_order(storefront_client, committed):
    product = factories.ProductFactory(stock=10)
    storefront_client.force_login(factories.UserFactory(email="shopper@example.com"))
    with committed():
        checkout(storefront_client, product, quantity=3)
    mail.outbox.clear()
    return Order.objects.get()


def record(order):
    return StockRecord.objects.get(product=order.lines.get().product)


def test_shipping_consumes_stock_and_emails_the_buyer(card_order, committed):
    with committed():
        order_set_status(order=card_order, status="Processing")
        order_set_status(order=card_order, status="Shipped")

    stock = record(card_order)
    assert (stock.num_in_stock, stock.num_allocated) == (7, 0)
    assert [m.to for m in mail.outbox] == [["shopper@example.com"]]
    assert "on its way" in mail.outbox[0].subject
    assert [c.new_status for c in card_order.status_changes.order_by("pk")] == [
        "Processing",
        "Shipped",
    ]


def test_cancelling_releases_stock_and_refunds_the_card(card_order, committed):
    with committed():
        order_set_status(order=card_order, status="Cancelled", note="customer asked")

    source = Source.objects.get(order=card_order)
    assert (record(card_order).num_allocated, record(card_order).num_in_stock) == (0, 10)
    assert source.amount_refunded == card_order.total_incl_tax
    assert card_order.notes.get().message.endswith("customer asked")
    assert "cancelled" in mail.outbox[0].subject


def test_illegal_moves_are_refused_and_change_nothing(card_order):
    with pytest.raises(IllegalStatusChange):
        order_set_status(order=card_order, status="Completed")

    card_order.refresh_from_db()
    assert card_order.status == "Placed"
    assert not card_order.status_changes.exists()


def test_staff_move_orders_in_the_dashboard_with_the_same_side_effects(
    card_order, storefront_client, committed
):
    storefront_client.force_login(factories.StaffFactory())
    url = f"/dashboard/orders/{card_order.number}/"

    with committed():
        storefront_client.post(
            url, {"order_action": "change_order_status", "new_status": "Processing"}
        )
        storefront_client.post(
            url, {"order_action": "change_order_status", "new_status": "Shipped"}
        )
    refused = storefront_client.post(
        url, {"order_action": "change_order_status", "new_status": "Placed"}, follow=True
    )

    card_order.refresh_from_db()
    assert card_order.status == "Shipped"
    assert record(card_order).num_in_stock == 7
    assert refused.status_code == 200


def test_staff_filter_orders_by_site_and_see_company_orders(company, storefront_client):
    place = portal_buyer(company)
    product = factories.ProductFactory(stock=10)
    place.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    place.post("/checkout/", checkout_data(company))
    storefront_client.force_login(factories.StaffFactory())

    response = storefront_client.get("/dashboard/orders/")

    assert response.status_code == 200
    assert Order.objects.get().company == company


def test_status_emails_link_to_the_order_on_its_own_site(company, committed, settings):
    product = factories.ProductFactory(stock=10)
    client = portal_buyer(company)
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    client.post("/checkout/", checkout_data(company))
    order = Order.objects.get()
    mail.outbox.clear()

    with committed():
        order_set_status(order=order, status="Shipped")

    assert f"http://{settings.PORTAL_HOST}" in mail.outbox[0].body
    assert f"/orders/{order.number}/" in mail.outbox[0].body
    assert "/accounts/orders/" not in mail.outbox[0].body
