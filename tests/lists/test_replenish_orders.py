"""Scheduled replenishment that places an order on account: through the one
order pipeline (on account, the company's default ship-to), so approval rules
and credit apply; once per run, however often the run is delivered."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.approvals.models import ApprovalRule
from commerce.lists import handlers, services
from commerce.lists.exceptions import ListError
from commerce.lists.models import ShoppingList
from commerce.lists.tasks import replenish_lists
from commerce.order.status import PENDING_APPROVAL, PLACED
from tests import factories

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")


def ordering_list(people, company, *, quantity=6, price="3.00", by="order"):
    membership = people["buyer"].memberships.get(company=company)
    shopping_list = services.list_create(membership=membership, name="Weekly")
    product = factories.ProductFactory(stock=50, stock__price=price, title="Tape")
    services.list_line_add(shopping_list=shopping_list, product=product, quantity=quantity)
    services.list_update(
        shopping_list=shopping_list,
        membership=membership,
        replenish_every=1,
        replenish_unit="weeks",
        replenish_by=by,
    )
    ShoppingList.objects.filter(pk=shopping_list.pk).update(
        next_replenish_at=timezone.now() - timedelta(minutes=1)
    )
    return shopping_list, product


def test_a_due_list_places_an_order_on_account_and_emails_the_buyer(company, people, committed):
    _list, product = ordering_list(people, company)
    own_basket = Basket.open.create(owner=people["buyer"], company=company)

    with committed():
        assert replenish_lists() == 1

    order = Order.objects.get()
    assert (order.user, order.company, order.status) == (people["buyer"], company, PLACED)
    assert order.payment_method == "account"
    assert [(x.product_id, x.quantity) for x in order.lines.all()] == [(product.pk, 6)]
    ship_to = company.addresses.get(kind="ship_to", is_default=True)
    assert order.shipping_address.line1 == ship_to.line1
    assert not own_basket.lines.exists()  # the buyer's own basket is left alone
    sent = [m for m in mail.outbox if "Weekly" in m.subject]
    assert sent[-1].to == ["buyer@acme.example"]
    assert f"order {order.number} was placed on account" in sent[-1].body
    assert replenish_lists() == 0


def test_an_order_over_the_threshold_waits_for_approval(company, people, committed):
    ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal("10.00"))
    ordering_list(people, company, quantity=6, price="3.00")

    with committed():
        replenish_lists()

    order = Order.objects.get()
    assert order.status == PENDING_APPROVAL
    assert order.approval.status == "pending"
    assert "waits for an approver" in [m for m in mail.outbox if "Weekly" in m.subject][-1].body


def test_an_order_over_the_credit_limit_is_not_placed_and_the_buyer_is_told(
    company, people, committed
):
    company.credit_account.credit_limit = Decimal("5.00")
    company.credit_account.save(update_fields=["credit_limit"])
    shopping_list, product = ordering_list(people, company)

    with committed():
        assert replenish_lists() == 1

    assert not Order.objects.exists()
    assert not Basket.objects.filter(company=company, owner__isnull=True).exists()
    assert product.stockrecords.get().num_allocated in (0, None)
    email = [m for m in mail.outbox if "Weekly" in m.subject][-1]
    assert email.subject == 'No order was placed from "Weekly"'
    assert "credit" in email.body.lower()
    shopping_list.refresh_from_db()
    assert shopping_list.next_replenish_at > timezone.now()  # it tries again next week


def test_a_retried_run_places_one_order(company, people):
    shopping_list, product = ordering_list(people, company)

    handlers.replenish(shopping_list.pk, "2026-01-05T06:00:00+00:00")
    handlers.replenish(shopping_list.pk, "2026-01-05T06:00:00+00:00")

    order = Order.objects.get()
    assert product.stockrecords.get().num_allocated == 6
    assert not Basket.open.filter(company=company, owner__isnull=True).exists()
    handlers.replenish(shopping_list.pk, "2026-01-12T06:00:00+00:00")  # next week's run
    assert Order.objects.exclude(pk=order.pk).count() == 1


def test_a_redelivered_outbox_message_places_one_order(company, people, committed):
    from commerce.outbox.models import OutboxMessage

    ordering_list(people, company)
    with committed():
        replenish_lists()
    message = OutboxMessage.objects.get(topic="lists.replenish")

    handlers._replenish(message)

    assert Order.objects.count() == 1


def test_only_a_member_who_may_order_chooses_orders(company, people):
    membership = people["viewer"].memberships.get(company=company)
    shopping_list = services.list_create(membership=membership, name="Mine")

    with pytest.raises(Exception) as refused:
        services.list_update(
            shopping_list=shopping_list, membership=membership, replenish_by="order"
        )
    with pytest.raises(ListError):
        services.list_update(
            shopping_list=shopping_list, membership=membership, replenish_by="nonsense"
        )

    assert refused.value.status == 403
    shopping_list.refresh_from_db()
    assert shopping_list.replenish_by == "basket"


def test_the_settings_form_sets_ordering(portal_client, company, people):
    portal_client.force_login(people["buyer"])
    portal_client.post("/lists/", {"name": "Weekly"})
    shopping_list = ShoppingList.objects.get()

    portal_client.post(
        f"/lists/{shopping_list.pk}/",
        {
            "action": "settings",
            "name": "Weekly",
            "replenish_every": "2",
            "replenish_unit": "weeks",
            "replenish_by": "order",
        },
    )

    shopping_list.refresh_from_db()
    assert (shopping_list.replenish_every, shopping_list.replenish_by) == (2, "order")
    page = portal_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert '<option value="order" selected>' in page and "Next order" in page
