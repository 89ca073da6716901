"""Placing an order costs the same queries whatever its number of lines, but
for the two rows Oscar's order creator inserts per line (the line, its price)."""

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


PER_LINE_INSERTS = ('INSERT INTO "order_line" ', 'INSERT INTO "order_lineprice" ')


def _split(sql: list[str]) -> tuple[int, int]:
    """(queries besides the per-line inserts, per-line inserts)."""
    per_line = sum(1 for q in sql if q.startswith(PER_LINE_INSERTS))
    return len(sql) - per_line, per_line


@pytest.mark.parametrize("payment_method", ["card"])
def test_placement_queries_do_not_grow_with_the_lines(payment_method):
    germany = factories.CountryFactory()
    _placement_queries(1, payment_method, germany)  # warms per-process caches (site, shipping)
    counts = {n: _split(_placement_queries(n, payment_method, germany)[1]) for n in (1, 5, 12)}
    fixed = {n: c[0] for n, c in counts.items()}
    assert fixed[1] == fixed[5] == fixed[12], fixed
    assert {n: c[1] for n, c in counts.items()} == {1: 2, 5: 10, 12: 24}
