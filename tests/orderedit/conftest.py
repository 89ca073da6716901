from decimal import Decimal

import pytest

from accounts import staff_policy
from commerce.approvals.models import ApprovalRule
from commerce.orderedit.services import OrderChanges, order_edit, order_version
from tests import factories, helpers


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def company(db):
    return factories.business("Acme Industrial", limit="5000.00")


@pytest.fixture
def people(company):
    return {
        role: factories.MembershipFactory(
            company=company, role=role, user__email=f"{role}@acme.example"
        )
        for role in ("admin", "approver", "buyer")
    }


@pytest.fixture
def clerk(db):
    """Order desk staff (a credit controller sees every company's orders)."""
    user = factories.UserFactory(email="desk@shop.example")
    staff_policy.staff_role_assign(user=user, role_key="credit_controller")
    return user


@pytest.fixture
def bolts(db):
    return factories.ProductFactory(title="Bolt", stock=50, stock__price="10.00")


@pytest.fixture
def nuts(db):
    return factories.ProductFactory(title="Nut", stock=50, stock__price="2.00")


def threshold(company, amount):
    return ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal(amount))


def place(company, user, product, quantity=1, **extra):
    return helpers.place_portal_order(company, user, product, quantity, **extra).order


def edit(order, actor, *, lines=None, add=(), ship_to=None, card_token="", key=None, version=""):
    order.refresh_from_db()
    return order_edit(
        order=order,
        changes=OrderChanges(
            quantities=dict(lines or {}),
            additions=tuple(add),
            shipping_address_id=ship_to,
            card_token=card_token,
        ),
        actor=actor,
        expected_version=order_version(order) if version == "" else version,
        idempotency_key=key,
    )
