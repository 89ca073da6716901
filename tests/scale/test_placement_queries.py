"""What each further line of an order costs at placement, in queries.

Partners and product classes come with the locked stock records; the stock of
all lines is held in one UPDATE and one INSERT, with one low-stock alert
query, and no search document is rebuilt for an allocation (it shows no
stock); the purchase counters are counted after the commit (an outbox row).
What remains per line is Oscar's order line and its line price: 2 queries
(it was 17, then 13).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from commerce.checkout.placement import CheckoutRequest, order_place
from pricing.strategy import Selector
from tests import factories

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db

ADDRESS = {
    "first_name": "A",
    "last_name": "B",
    "line1": "1 Road",
    "line4": "Berlin",
    "postcode": "10115",
}


def _placement_queries(lines: int, payment_method: str, germany) -> tuple[int, list[str]]:
    user = factories.UserFactory()
    basket = Basket.objects.create(owner=user, site_id=1)
    basket.strategy = Selector().strategy(channel="storefront", user=user)
    for _ in range(lines):
        basket.add_product(factories.ProductFactory(stock=50, stock__price="10.00"), 2)
    request = CheckoutRequest(
        channel="storefront",
        user=user,
        shipping_address={**ADDRESS, "country": germany},
        shipping_method_code="standard",
        payment_method=payment_method,
        card_token="tok_sandbox_approve",
    )
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = Selector().strategy(channel="storefront", user=user)
    with CaptureQueriesContext(connection) as ctx:
        result = order_place(basket=basket, request=request)
    assert result.order.lines.count() == lines
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


PER_LINE_BUDGET = 2


def test_placement_queries_per_line_stay_within_budget():
    germany = factories.CountryFactory()
    _placement_queries(1, "card", germany)  # warms per-process caches (site, shipping)
    counts = {n: len(_placement_queries(n, "card", germany)[1]) for n in (1, 5, 12)}
    per_line = (counts[12] - counts[1]) / 11
    assert per_line <= PER_LINE_BUDGET, counts
    assert counts[5] - counts[1] <= 4 * PER_LINE_BUDGET, counts
