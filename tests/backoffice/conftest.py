from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.staff_policy import staff_role_assign
from commerce.approvals.models import ApprovalRule
from commerce.billing.invoicing import invoice_for_shipped
from commerce.fulfilment.transitions import order_set_status
from tests import factories, helpers

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


def business(name: str):
    return factories.business(name)


@pytest.fixture
def acme(db):
    return business("Acme Industrial")


@pytest.fixture
def globex(db):
    return business("Globex Supply")


def staff(role: str | None = None, **kwargs):
    user = factories.UserFactory(is_staff=True, **kwargs)
    if role:
        staff_role_assign(user=user, role_key=role)
    return user


def dashboard_client(user) -> Client:
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(user)
    return client


def place_portal(company, *, net="100.00", quantity=1, payment="account", user=None, **extra):
    """A portal order of ``quantity`` x a new product at ``net`` (freight is free)."""
    user = user or factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=1000, stock__price=net)
    return helpers.place_portal_order(
        company,
        user,
        product,
        quantity,
        payment=payment,
        card_token="tok_sandbox_approve" if payment == "card" else "",
        **extra,
    ).order


def place_storefront(*, net="50.00", quantity=1, user=None):
    """A consumer's card order on the storefront."""
    user = user or factories.UserFactory()
    product = factories.ProductFactory(stock=1000, stock__price=net)
    return helpers.place_storefront_order(user, product, quantity).order


def pending_order(company, *, net="100.00"):
    """An order held for approval by an order-total rule."""
    if not ApprovalRule.objects.filter(company=company).exists():
        ApprovalRule.objects.create(
            company=company, kind=ApprovalRule.Kind.ORDER_TOTAL, amount=Decimal("500.00")
        )
    return place_portal(company, net=net, quantity=10)


def invoiced(order, *, days_overdue: int = 0):
    """Ship ``order`` in full and invoice it; ``days_overdue`` > 0 backdates the due date."""
    order_set_status(order=order, status="Shipped")
    invoice = invoice_for_shipped(order_id=order.pk)
    if days_overdue:
        invoice.due_on = timezone.localdate() - timedelta(days=days_overdue)
        invoice.save(update_fields=["due_on"])
    return invoice


def placed_at(order, when):
    Order.objects.filter(pk=order.pk).update(date_placed=when)
    order.refresh_from_db()
    return order
