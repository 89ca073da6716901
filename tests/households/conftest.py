from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from commerce.households import services
from tests import factories, helpers


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def owner(db):
    return factories.UserFactory(email="owner@home.example", first_name="Olivia")


@pytest.fixture
def household(owner):
    return services.household_create(owner=owner, name="The Smiths")


def add_member(household, email: str, budget: str):
    """A member who joined through an invitation addressed to them."""
    user = factories.UserFactory(email=email)
    invitation = services.invitation_create(
        household=household, actor=household.owner, email=email, monthly_budget=budget
    )
    return services.invitation_accept(token=services.invitation_token(invitation), user=user)


@pytest.fixture
def member(household):
    return add_member(household, "kid@home.example", "100.00")


def product(net="10.00"):
    return factories.ProductFactory(stock=1000, stock__price=net)


def order_total(item, quantity=1) -> Decimal:
    """What an order of ``quantity`` x ``item`` costs on the storefront (as paid),
    measured by a consumer outside any household."""
    return helpers.place_storefront_order(
        factories.UserFactory(), item, quantity
    ).order.total_incl_tax


def shop(user=None) -> Client:
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    if user is not None:
        client.force_login(user)
    return client
