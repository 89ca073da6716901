"""Per-site shipping; basket and checkout pages cost the same queries for 1 or 50 lines."""

from decimal import Decimal

import pytest

from commerce.shipping.repository import methods_for
from tests import factories
from tests.helpers import count_queries
from tests.orders.conftest import portal_buyer

pytestmark = pytest.mark.django_db


def test_the_storefront_ships_free_from_fifty_euros_gross(storefront_client):
    cheap = factories.ProductFactory(stock__price="10.00")
    storefront_client.post(f"/basket/add/{cheap.pk}/", {"quantity": 1})
    basket = storefront_client.get("/basket/").context["basket"]
    [standard, express] = methods_for("storefront")

    charge = standard.calculate(basket)
    assert (charge.incl_tax, charge.excl_tax) == (Decimal("4.95"), Decimal("4.16"))
    storefront_client.post(f"/basket/add/{cheap.pk}/", {"quantity": 4})  # 5 x 11.90 = 59.50
    basket = storefront_client.get("/basket/").context["basket"]
    assert standard.calculate(basket).incl_tax == Decimal("0.00")
    assert express.calculate(basket).incl_tax == Decimal("12.90")


def test_the_portal_ships_free_freight_from_five_hundred_net(company):
    client = portal_buyer(company)
    product = factories.ProductFactory(stock=1000, stock__price="100.00")
    client.post(f"/basket/add/{product.pk}/", {"quantity": 4})
    freight = methods_for("portal")[0]

    small = freight.calculate(client.get("/basket/").context["basket"])
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    large = freight.calculate(client.get("/basket/").context["basket"])

    assert (small.excl_tax, small.incl_tax) == (Decimal("25.00"), Decimal("29.75"))
    assert large.excl_tax == Decimal("0.00")


def fill(client, n):
    for _ in range(n):
        product = factories.ProductFactory(stock=100)
        client.post(f"/basket/add/{product.pk}/", {"quantity": 1})


@pytest.mark.parametrize("url", ["/basket/", "/checkout/"])
def test_portal_basket_and_checkout_queries_do_not_grow_with_lines(company, url):
    one, many = portal_buyer(company), portal_buyer(company)
    fill(one, 1)
    fill(many, 50)

    assert count_queries(many, url) == count_queries(one, url)


def test_storefront_basket_queries_do_not_grow_with_lines(storefront_client, client):
    from django.conf import settings
    from django.test import Client

    many = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    fill(storefront_client, 1)
    fill(many, 50)

    assert count_queries(many, "/basket/") == count_queries(storefront_client, "/basket/")
