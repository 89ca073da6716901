"""Two deliveries of one scheduled run that places an order, at the same moment
(PostgreSQL, real threads): one order, stock allocated once, no stray basket."""

import pytest
from oscar.core.loading import get_model

from commerce.lists import handlers, services
from tests import factories
from tests.helpers import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")


@pytest.mark.parametrize("attempt", range(2))
def test_two_runs_of_one_schedule_at_once_place_one_order(attempt):
    company = factories.business("Acme Industrial")
    membership = factories.MembershipFactory(company=company, role="buyer")
    shopping_list = services.list_create(membership=membership, name="Weekly")
    product = factories.ProductFactory(stock=50, stock__price="3.00")
    services.list_line_add(shopping_list=shopping_list, product=product, quantity=6)
    services.list_update(shopping_list=shopping_list, membership=membership, replenish_by="order")
    run = "2026-01-05T06:00:00+00:00"

    def deliver():
        handlers.replenish(shopping_list.pk, run)

    at_once(deliver, deliver, what="replenishing one run")

    assert Order.objects.count() == 1
    assert product.stockrecords.get().num_allocated == 6
    assert not Basket.open.filter(company=company, owner__isnull=True).exists()
