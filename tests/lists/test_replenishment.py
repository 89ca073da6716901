"""Scheduled replenishment: a due list fills its owner's portal basket at
today's prices, emails them, and is scheduled again; a list not due does nothing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.lists import services
from commerce.lists.models import ShoppingList
from commerce.lists.tasks import replenish_lists
from tests import factories

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")


def test_a_due_list_prepares_the_basket_and_emails_the_buyer(company, people, committed):
    membership = people["buyer"].memberships.get(company=company)
    shopping_list = services.list_create(membership=membership, name="Weekly")
    product = factories.ProductFactory(stock=20, stock__price="3.00", title="Tape")
    services.list_line_add(shopping_list=shopping_list, product=product, quantity=6)
    services.list_update(
        shopping_list=shopping_list,
        membership=membership,
        replenish_every=1,
        replenish_unit="weeks",
    )
    assert replenish_lists() == 0  # not due yet
    ShoppingList.objects.filter(pk=shopping_list.pk).update(
        next_replenish_at=timezone.now() - timedelta(minutes=1)
    )

    with committed():
        assert replenish_lists() == 1

    basket = Basket.open.get(
        owner=people["buyer"], site_id=settings.PORTAL_SITE_ID, company=company
    )
    assert [(x.product_id, x.quantity) for x in basket.lines.all()] == [(product.pk, 6)]
    assert mail.outbox[-1].to == ["buyer@acme.example"]
    assert "6 x Tape" in mail.outbox[-1].body
    shopping_list.refresh_from_db()
    assert shopping_list.next_replenish_at > timezone.now() + timedelta(days=6)
    assert replenish_lists() == 0
