"""Two staff bulk-cancelling the same orders at the same moment, on PostgreSQL
with real threads: each order is cancelled once, its stock and credit released
once, and the loser is told which orders it could not move."""

import re
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.billing.models import LedgerEntry
from tests import helpers
from tests.backoffice.conftest import dashboard_client, place_portal, staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
OrderStatusChange = get_model("order", "OrderStatusChange")


def bulk_cancel(user, order_ids):
    def call():
        response = dashboard_client(user).post(
            "/dashboard/orders/",
            {
                "action": "change_order_statuses",
                "new_status": "Cancelled",
                "selected_order": order_ids,
            },
            follow=True,
        )
        # The page, not response.context: template signals are shared by threads.
        page = response.content.decode()
        moved = [int(n) for n in re.findall(r"(\d+) order\(s\) moved to Cancelled", page)]
        return sum(moved), page.count("Not changed —")

    return call


def at_once(*calls):
    return helpers.at_once(*calls, what="a bulk change")


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_bulk_cancels_move_each_order_once(acme, attempt):
    orders = [place_portal(acme, net="100.00") for _ in range(3)]
    ids = [o.pk for o in orders]
    first, second = staff("credit_controller"), staff("administrator")

    outcomes = at_once(bulk_cancel(first, ids), bulk_cancel(second, list(reversed(ids))))

    assert set(Order.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"Cancelled"}
    assert OrderStatusChange.objects.filter(order_id__in=ids, new_status="Cancelled").count() == 3
    assert LedgerEntry.objects.filter(order_id__in=ids, kind="order_released").count() == 3
    assert credit.exposure_of(credit.account_for_company(acme)) == Decimal("0.00")
    assert sum(moved for moved, _ in outcomes) == 3
    assert sum(refused for _, refused in outcomes) == 3
