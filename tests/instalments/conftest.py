from decimal import Decimal

import pytest

from accounts.models import CustomerLoyalty, LoyaltyTier
from commerce.instalments.models import InstalmentOffer
from commerce.payments.gateway import get_gateway
from tests import factories

ADDRESS = {
    "first_name": "Gina",
    "last_name": "Gold",
    "line1": "1 Test Street",
    "line4": "Berlin",
    "postcode": "10115",
    "country": "DE",
}


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def gold_tier(db):
    return LoyaltyTier.objects.create(
        name="Gold", code="gold", rank=2, discount_percent="0", min_spend="1000"
    )


@pytest.fixture
def gold(gold_tier):
    factories.CountryFactory()
    user = factories.UserFactory(email="gold@example.com")
    CustomerLoyalty.objects.create(user=user, tier=gold_tier)
    factories.credit_account(user=user, limit="1000.00")
    return user


@pytest.fixture
def offer(gold_tier):
    offer = InstalmentOffer.objects.create(name="Big-ticket items")
    offer.loyalty_tiers.add(gold_tier)
    return offer


@pytest.fixture
def eligible(offer):
    product = factories.ProductFactory(stock__price="84.03")  # 100.00 incl. 19 % VAT
    offer.products.add(product)
    return product


def card(number="4242424242424242") -> str:
    return get_gateway().tokenize(number=number, exp_month=12, exp_year=2039, cvc="123").token


def instalments_body(count=3, **extra) -> dict:
    return {
        "payment_method": "instalments",
        "instalments": count,
        "card_token": card(),
        "shipping_address": ADDRESS,
        **extra,
    }


def fill(client, product, quantity=1):
    response = client.post(
        "/api/basket/lines/", {"product": product.pk, "quantity": quantity}, format="json"
    )
    assert response.status_code == 201, response.content


ZERO = Decimal("0.00")


@pytest.fixture
def consumer_without_tier(db):
    factories.CountryFactory()
    user = factories.UserFactory(email="plain@example.com")
    factories.credit_account(user=user, limit="1000.00")
    return user
