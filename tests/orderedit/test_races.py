"""Editing an order while it ships, or twice at once (PostgreSQL, real threads):
one outcome each time."""

import pytest
from oscar.core.loading import get_model

from commerce.fulfilment.transitions import order_ship
from commerce.orderedit.exceptions import OrderChanged, OrderNotEditable
from commerce.orderedit.services import OrderChanges, order_edit, order_version
from tests.helpers import at_once

from .conftest import place

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")


@pytest.mark.parametrize("attempt", range(3))
def test_editing_while_shipping_has_one_outcome(company, people, clerk, bolts, attempt):
    order = place(company, people["buyer"].user, bolts, 2)
    line = order.lines.get()
    version = order_version(order)

    def edit():
        return order_edit(
            order=Order.objects.get(pk=order.pk),
            changes=OrderChanges(quantities={line.pk: 5}),
            actor=clerk,
            expected_version=version,
        )

    def ship():
        return order_ship(order=Order.objects.get(pk=order.pk), actor=clerk)

    edited, shipped = at_once(
        edit, ship, expected=(OrderNotEditable, OrderChanged), what="edit vs ship"
    )

    order.refresh_from_db()
    line.refresh_from_db()
    record = bolts.stockrecords.get()
    assert order.status == "Shipped"
    assert not isinstance(shipped, Exception)
    if isinstance(edited, Exception):  # shipped first: the edit changed nothing
        assert line.quantity == 2 and record.num_in_stock == 48
        assert not order.notes.filter(note_type="Edit").exists()
    else:  # edited first: the edited line shipped
        assert line.quantity == 5 and record.num_in_stock == 45
    assert (record.num_allocated or 0) == 0


@pytest.mark.parametrize("attempt", range(2))
def test_two_edits_at_once_one_wins(company, people, clerk, bolts, attempt):
    order = place(company, people["buyer"].user, bolts, 2)
    line = order.lines.get()
    version = order_version(order)

    def edit(quantity):
        return lambda: order_edit(
            order=Order.objects.get(pk=order.pk),
            changes=OrderChanges(quantities={line.pk: quantity}),
            actor=clerk,
            expected_version=version,
        )

    outcomes = at_once(edit(3), edit(7), expected=(OrderChanged,), what="two edits")

    lost = [o for o in outcomes if isinstance(o, OrderChanged)]
    assert len(lost) == 1
    line.refresh_from_db()
    won = 3 if not isinstance(outcomes[0], Exception) else 7
    assert line.quantity == won
    assert bolts.stockrecords.get().num_allocated == won
    assert order.notes.filter(note_type="Edit").count() == 1
