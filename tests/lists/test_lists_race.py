"""Two buyers add the same shared list to their own baskets at the same moment
(PostgreSQL, real threads): both baskets get every line, once, and the list is
unchanged."""

import pytest
from django.conf import settings
from oscar.core.loading import get_model

from commerce.lists import services
from commerce.lists.models import ShoppingListLine
from pricing.strategy import Selector
from tests import factories
from tests.helpers import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Basket = get_model("basket", "Basket")


@pytest.mark.parametrize("attempt", range(2))
def test_two_buyers_add_the_same_list_to_their_baskets_at_once(attempt):
    company = factories.business("Acme Industrial")
    one, two = (factories.MembershipFactory(company=company, role="buyer").user for _ in range(2))
    membership = one.memberships.get(company=company)
    shopping_list = services.list_create(membership=membership, name="Shared", shared=True)
    products = [factories.ProductFactory(stock=100, stock__price="3.00") for _ in range(3)]
    for n, product in enumerate(products, start=1):
        services.list_line_add(shopping_list=shopping_list, product=product, quantity=n)

    def fill(user):
        basket = Basket.objects.create(owner=user, site_id=settings.PORTAL_SITE_ID, company=company)
        basket.strategy = Selector().strategy(channel="portal", user=user, company=company)
        result = services.list_to_basket(shopping_list=shopping_list, basket=basket)
        return basket.pk, len(result.added), len(result.problems)

    outcomes = at_once(lambda: fill(one), lambda: fill(two), what="adding a list")

    assert [(added, problems) for _pk, added, problems in outcomes] == [(3, 0), (3, 0)]
    for basket_pk, _a, _p in outcomes:
        lines = Basket.objects.get(pk=basket_pk).lines.order_by("product_id")
        assert [(x.product_id, x.quantity) for x in lines] == [
            (p.pk, n) for n, p in enumerate(products, start=1)
        ]
    assert ShoppingListLine.objects.filter(shopping_list=shopping_list).count() == 3
