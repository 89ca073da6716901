from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from commerce.approvals.models import ApprovalRule
from commerce.order.placement import CheckoutRequest, order_place
from pricing.strategy import Selector
from tests import factories

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
    basket = Basket.objects.create(owner=user, site_id=2, company=company)
    basket.strategy = Selector().strategy(channel="portal", user=user, company=company)
    basket.add_product(product, quantity)
    ship_to = company.addresses.get(kind="ship_to", is_default=True)
    return order_place(
        basket=basket,
        request=CheckoutRequest(
            channel="portal",
            user=user,
            company=company,
            shipping_address={
                f: getattr(ship_to, f)
                for f in ("last_name", "line1", "line4", "postcode", "country")
            },
            shipping_method_code="freight",
            payment_method=payment,
            card_token=card_token,
        ),
    ).order
