"""Stock split over warehouses: every unit can be sold, a line is split when
no warehouse has it whole, stock cannot be imported below what orders hold,
and shipping never answers 500."""

import pytest
from django.conf import settings
from oscar.core.loading import get_model
from rest_framework.test import APIClient

from commerce.fulfilment.transitions import order_set_status, order_ship
from commerce.order import status as order_status
from commerce.order.exceptions import OutOfStock, StockShortForShipment
from tests import factories
from tests.helpers import at_once, place_portal_order

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
LineAllocation = get_model("order", "LineAllocation")


def split_product(first=6, second=4):
    product = factories.ProductFactory(stock=first, stock__price="10.00")
    StockRecord.objects.create(
        product=product,
        partner=factories.PartnerFactory(),
        partner_sku=f"B-{product.upc}",
        price="10.00",
        price_currency="EUR",
        num_in_stock=second,
    )
    return product


def levels(product):
    return [
        (r.num_in_stock, r.num_allocated or 0)
        for r in StockRecord.objects.filter(product=product).order_by("pk")
    ]


@pytest.mark.django_db
def test_a_line_larger_than_any_warehouse_is_split_over_them():
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company).user
    product = split_product(6, 4)

    order = place_portal_order(company, buyer, product, 9).order

    assert levels(product) == [(6, 6), (4, 3)]
    line = order.lines.get()
    assert sorted(a.quantity for a in LineAllocation.objects.filter(line=line)) == [3, 6]
    with pytest.raises(OutOfStock):  # one unit is left, over both warehouses
        place_portal_order(company, buyer, product, 2)
    place_portal_order(company, buyer, product, 1)
    assert levels(product) == [(6, 6), (4, 4)]

    order_set_status(order=order, status=order_status.CANCELLED)
    assert levels(product) == [(6, 0), (4, 1)]
    assert set(LineAllocation.objects.filter(line=line).values_list("quantity", flat=True)) == {0}


@pytest.mark.django_db
def test_shipping_a_split_line_takes_the_units_from_each_warehouse():
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company).user
    product = split_product(6, 4)
    order = place_portal_order(company, buyer, product, 8).order
    line = order.lines.get()

    order_ship(order=order, quantities={line.pk: 5})
    order_ship(order=order, quantities={line.pk: 3})

    assert levels(product) == [(0, 0), (2, 0)]
    assert Order.objects.get(pk=order.pk).status == order_status.SHIPPED


@pytest.mark.django_db
def test_the_api_refuses_more_than_all_warehouses_hold_with_out_of_stock(company_api):
    client, company = company_api
    product = split_product(6, 4)
    added = client.post(
        "/api/basket/lines/", {"product": product.pk, "quantity": 10}, format="json"
    )
    assert added.status_code == 201, added.content
    rival = factories.MembershipFactory(company=company).user
    place_portal_order(company, rival, product, 1)  # someone else takes one unit

    response = client.post(
        "/api/checkout/",
        {
            "payment_method": "account",
            "ship_to": company.addresses.get(kind="ship_to", is_default=True).pk,
        },
        format="json",
    )

    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "out_of_stock"
    assert body["details"]["short"][0]["wanted"] == 10
    assert body["details"]["short"][0]["available"] == 9
    assert Order.objects.count() == 1


@pytest.fixture
def company_api(db):
    company = factories.business("Acme Industrial")
    user = factories.MembershipFactory(company=company, role="buyer").user
    client = APIClient(HTTP_HOST=settings.PORTAL_HOST)
    client.force_authenticate(user)
    return client, company


@pytest.mark.django_db
def test_shipping_after_stock_was_lowered_is_a_clear_refusal_not_a_500():
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=5)
    order = place_portal_order(company, buyer, product, 5).order
    StockRecord.objects.filter(product=product).update(num_in_stock=2)  # edited by hand

    with pytest.raises(StockShortForShipment, match="has 2 in stock, 5 needed"):
        order_set_status(order=order, status=order_status.SHIPPED)

    assert Order.objects.get(pk=order.pk).status == order_status.PLACED
    assert levels(product) == [(2, 5)]
    assert not order.shipping_events.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_buyers_for_the_last_ten_units_over_two_warehouses_buy_exactly_ten():
    company = factories.business("Acme Industrial", limit="1000000.00")
    buyers = [factories.MembershipFactory(company=company).user for _ in range(30)]
    product = split_product(6, 4)

    outcomes = at_once(
        *(lambda user=user: place_portal_order(company, user, product, 1) for user in buyers),
        expected=(OutOfStock,),
    )

    placed = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(placed) == 10
    assert all(isinstance(o, OutOfStock) for o in outcomes if o not in placed)
    assert levels(product) == [(6, 6), (4, 4)]
    assert Order.objects.count() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_buyers_of_seven_when_six_and_four_are_left_one_succeeds():
    company = factories.business("Acme Industrial", limit="1000000.00")
    one, two = (factories.MembershipFactory(company=company).user for _ in range(2))
    product = split_product(6, 4)

    outcomes = at_once(
        lambda: place_portal_order(company, one, product, 7),
        lambda: place_portal_order(company, two, product, 7),
        expected=(OutOfStock,),
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["OutOfStock", "Placement"]
    assert sorted(r[1] for r in levels(product)) == [1, 6]
    assert Order.objects.count() == 1
