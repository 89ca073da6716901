"""Editing an order before it ships: lines, stock, credit, approval, history."""

from decimal import Decimal

import pytest
from django.core import mail
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.billing.models import CreditAccount
from commerce.fulfilment.transitions import order_ship
from commerce.orderedit.exceptions import EditInvalid, OrderChanged, OrderNotEditable
from commerce.outbox.models import OutboxMessage
from tests import factories

from .conftest import edit, place, threshold

pytestmark = pytest.mark.django_db

OrderNote = get_model("order", "OrderNote")


def stock_held(product) -> int:
    return product.stockrecords.get().num_allocated or 0


def test_staff_raises_a_quantity_priced_as_of_now_with_stock_and_credit_moved(
    company, people, clerk, bolts
):
    order = place(company, people["buyer"].user, bolts, 2)
    line = order.lines.get()
    bolts.stockrecords.update(price=Decimal("11.00"))  # the list price moved since

    result = edit(order, clerk, lines={line.pk: 5})

    order.refresh_from_db()
    line.refresh_from_db()
    assert (line.quantity, line.unit_price_excl_tax, line.line_price_excl_tax) == (
        5,
        Decimal("11.00"),
        Decimal("55.00"),
    )
    assert order.total_excl_tax == Decimal("55.00") + order.shipping_excl_tax
    assert order.total_incl_tax == order.total_excl_tax * Decimal("1.19")
    assert stock_held(bolts) == 5 and line.num_allocated == 5
    assert credit.reserved_for(order) == order.total_incl_tax
    assert result.needs_approval is False and order.status == "Placed"
    note = OrderNote.objects.get(order=order, note_type="Edit")
    assert "desk@shop.example" in note.message and "Bolt 2 → 5" in note.message
    assert OutboxMessage.objects.filter(topic="orderedit.edited_email").count() == 1


def test_lowering_and_removing_give_stock_and_credit_back(company, people, clerk, bolts, nuts):
    order = place(company, people["buyer"].user, bolts, 4)
    result = edit(order, clerk, add=[(nuts.pk, 3)])
    order = result.order
    bolt_line, nut_line = order.lines.order_by("pk")
    assert (nut_line.quantity, nut_line.unit_price_excl_tax) == (3, Decimal("2.00"))
    assert stock_held(nuts) == 3

    edit(order, clerk, lines={bolt_line.pk: 1, nut_line.pk: 0})

    order.refresh_from_db()
    assert [(x.product_id, x.quantity) for x in order.lines.all()] == [(bolts.pk, 1)]
    assert (stock_held(bolts), stock_held(nuts)) == (1, 0)
    assert credit.reserved_for(order) == order.total_incl_tax
    assert order.total_excl_tax == Decimal("10.00") + order.shipping_excl_tax


def test_delivery_address_changes_to_another_ship_to_of_the_company(company, people, clerk, bolts):
    order = place(company, people["buyer"].user, bolts)
    dock = factories.CompanyAddressFactory(company=company, label="Dock", line1="1 Harbour Rd")
    other = factories.CompanyAddressFactory(company=factories.CompanyFactory(), label="Theirs")

    with pytest.raises(EditInvalid):
        edit(order, clerk, ship_to=other.pk)
    edit(order, clerk, ship_to=dock.pk)

    order.refresh_from_db()
    assert order.shipping_address.line1 == "1 Harbour Rd"


def test_raising_an_approved_order_over_the_threshold_needs_approval_again(
    company, people, clerk, bolts
):
    from commerce.approvals.services import approval_decide

    threshold(company, "100.00")
    order = place(company, people["buyer"].user, bolts, 11)  # 110 net: waits
    assert order.status == "Pending approval"
    approval_decide(request=order.approval, approver=people["approver"].user, decision="approve")
    order.refresh_from_db()
    assert order.status == "Placed"

    result = edit(order, clerk, lines={order.lines.get().pk: 12})

    order.refresh_from_db()
    request = order.approval
    assert result.needs_approval and order.status == "Pending approval"
    assert request.status == "pending" and request.decisions.count() == 0
    assert list(order.status_changes.order_by("pk").values_list("old_status", "new_status"))[
        -1
    ] == (
        "Placed",
        "Pending approval",
    )
    assert request.events.filter(kind="requested").count() == 2


def test_lowering_an_approved_order_keeps_it_placed(company, people, clerk, bolts):
    from commerce.approvals.services import approval_decide

    threshold(company, "100.00")
    order = place(company, people["buyer"].user, bolts, 12)
    approval_decide(request=order.approval, approver=people["approver"].user, decision="approve")

    edit(order, clerk, lines={order.lines.get().pk: 11})

    order.refresh_from_db()
    assert order.status == "Placed" and order.approval.status == "approved"


def test_buyer_edits_a_pending_order_and_earlier_approvals_no_longer_count(company, people, bolts):
    from commerce.approvals.models import ApprovalDecision

    threshold(company, "100.00")
    order = place(company, people["buyer"].user, bolts, 20)
    request = order.approval
    ApprovalDecision.objects.create(
        request=request, approver=people["approver"].user, decision="approve"
    )

    edit(order, people["buyer"].user, lines={order.lines.get().pk: 15})

    request.refresh_from_db()
    assert request.status == "pending" and request.decisions.count() == 0
    assert order.lines.get().quantity == 15


def test_buyer_cannot_edit_an_approved_order(company, people, bolts):
    order = place(company, people["buyer"].user, bolts, 2)  # no rule: Placed at once

    with pytest.raises(OrderNotEditable) as error:
        edit(order, people["buyer"].user, lines={order.lines.get().pk: 3})
    assert error.value.code == "order_not_editable" and error.value.status == 409
    assert order.lines.get().quantity == 2


def test_credit_over_the_limit_is_refused_and_nothing_changes(company, people, clerk, bolts):
    order = place(company, people["buyer"].user, bolts, 2)
    CreditAccount.objects.filter(company=company).update(credit_limit=order.total_incl_tax + 5)
    before = (credit.reserved_for(order), stock_held(bolts), order.total_incl_tax)

    with pytest.raises(credit.CreditLimitExceeded):
        edit(order, clerk, lines={order.lines.get().pk: 3})  # 11.90 more than before

    order.refresh_from_db()
    assert order.lines.get().quantity == 2
    assert (credit.reserved_for(order), stock_held(bolts), order.total_incl_tax) == before
    assert not OrderNote.objects.filter(order=order, note_type="Edit").exists()


def test_stock_short_is_refused_and_nothing_changes(company, people, clerk, bolts):
    order = place(company, people["buyer"].user, bolts, 2)
    bolts.stockrecords.update(num_in_stock=5)

    with pytest.raises(Exception) as error:
        edit(order, clerk, lines={order.lines.get().pk: 6})

    assert error.value.code == "out_of_stock"
    assert order.lines.get().quantity == 2 and stock_held(bolts) == 2


def test_no_edit_after_shipping(company, people, clerk, bolts):
    order = place(company, people["buyer"].user, bolts, 2)
    order_ship(order=order, actor=clerk)

    with pytest.raises(OrderNotEditable):
        edit(order, clerk, lines={order.lines.get().pk: 1})


def test_a_stale_version_is_refused(company, people, clerk, bolts):
    order = place(company, people["buyer"].user, bolts, 2)
    seen = edit.__globals__["order_version"](order)
    edit(order, clerk, lines={order.lines.get().pk: 3})

    with pytest.raises(OrderChanged):
        edit(order, clerk, lines={order.lines.get().pk: 4}, version=seen)
    assert order.lines.get().quantity == 3


def test_the_buyer_is_emailed_what_changed(company, people, clerk, bolts, committed):
    order = place(company, people["buyer"].user, bolts, 2)
    mail.outbox.clear()
    with committed():
        edit(order, clerk, lines={order.lines.get().pk: 3})
    sent = [m for m in mail.outbox if "was changed" in m.subject]
    assert [m.to for m in sent] == [["buyer@acme.example"]]
    assert "Bolt 2 → 3" in sent[0].body
