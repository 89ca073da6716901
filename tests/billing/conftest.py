from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from tests import factories, helpers

Basket = get_model("basket", "Basket")


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def company(db):
    company = factories.CompanyFactory(name="Acme Industrial")
    factories.CompanyAddressFactory(company=company, kind="bill_to", label="HQ")
    factories.CompanyAddressFactory(company=company, label="Plant", is_default=True)
    return company


@pytest.fixture
def account(company):
    return factories.credit_account(company, limit="10000.00", terms="net_30")


def place_on_account(company, net_price="840.34", quantity=1, user=None):
    """An on-account portal order; 840.34 net is 1,000.00 with 19 % VAT (freight free)."""
    user = user or factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=1000, stock__price=net_price)
    return helpers.place_portal_order(company, user, product, quantity).order


THOUSAND = Decimal("1000.00")
