"""What each further line of an order costs at placement, in queries.

Partners and product classes come with the locked stock records; the stock of
all lines is held in one UPDATE and one INSERT, with one low-stock alert
query, and no search document is rebuilt for an allocation (it shows no
stock); the purchase counters are counted after the commit (an outbox row).
The order lines and their prices are written for all lines at once, so a
further line costs no query (it was 17, then 13, then 2).
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


PER_LINE_BUDGET = 0


def test_placement_queries_per_line_stay_within_budget():
    germany = factories.CountryFactory()
    _placement_queries(1, "card", germany)  # warms per-process caches (site, shipping)
    counts = {n: len(_placement_queries(n, "card", germany)[1]) for n in (1, 5, 12)}
    per_line = (counts[12] - counts[1]) / 11
    assert per_line <= PER_LINE_BUDGET, counts
    assert counts[5] - counts[1] <= 4 * PER_LINE_BUDGET, counts


def test_an_order_on_account_runs_one_outbox_insert_and_none_of_the_unused_lookups():
    """No savepoint, no lookup of Oscar's vouchers or of an order with the new
    number, no lookup of a country given as a loaded row, and the purchase
    counters written with the order's other outbox rows."""
    from commerce.outbox.models import OutboxMessage
    from tests.helpers import portal_order_request

    company = factories.business("Acme Industrial")
    user = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=10)
    basket, request = portal_order_request(company, user, product, 2)

    with CaptureQueriesContext(connection) as ctx:
        order = order_place(basket=basket, request=request).order

    statements = [q["sql"] for q in ctx.captured_queries]
    # The pipeline's own transaction is a savepoint inside the test's: no other.
    assert [s.split()[0] for s in statements if "SAVEPOINT" in s] == ["SAVEPOINT", "RELEASE"]
    assert statements[0].startswith("SAVEPOINT") and statements[-1].startswith("RELEASE")
    assert not [s for s in statements if "voucher_voucher" in s]
    assert not [s for s in statements if 'WHERE "order_order"."number"' in s]
    assert not [s for s in statements if "address_country" in s]
    assert len([s for s in statements if s.startswith('INSERT INTO "outbox_outboxmessage"')]) == 1
    assert OutboxMessage.objects.filter(topic="order.purchase_counters").count() == 1
    assert order.lines.get().quantity == 2


def test_a_card_order_looks_up_the_visibility_of_its_products_once():
    """The preview (before the card is authorized) checks visibility; the
    locked step prices the lines again but does not look visibility up again."""
    germany = factories.CountryFactory()
    statements = _placement_queries(3, "card", germany)[1]

    visibility = [s for s in statements if '"catalogue_product"."channels" IN' in s]
    assert len(visibility) == 1, visibility
    assert len([s for s in statements if 'FROM "partner_pricelist"' in s]) <= 2
