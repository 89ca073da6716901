from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from commerce.approvals.models import ApprovalRule
from tests import factories, helpers

Basket = get_model("basket", "Basket")


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def company(db):
    return factories.business("Acme Industrial", limit="1000000.00")


@pytest.fixture
def people(company):
    return {
        role: factories.MembershipFactory(
            company=company, role=role, user__email=f"{role}@acme.example"
        )
        for role in ("admin", "approver", "buyer", "viewer")
    }


def rule(company, kind, amount=None, **kwargs):
    return ApprovalRule.objects.create(
        company=company, kind=kind, amount=None if amount is None else Decimal(amount), **kwargs
    )


def place(company, user, net="100.00", quantity=1, product=None, payment="account", card_token=""):
    """Place a portal order of ``quantity`` x a product at ``net`` (goods net total)."""
    product = product or factories.ProductFactory(stock=1000, stock__price=net)
    return helpers.place_portal_order(
        company, user, product, quantity, payment=payment, card_token=card_token
    ).order
