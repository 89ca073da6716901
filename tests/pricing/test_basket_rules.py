"""Quantity rules and volume breaks in the basket and at checkout; validity windows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.helpers import checkout_basket

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract_buyer(portal_client):
    company = factories.CompanyFactory()
    contract = factories.contract_list(company)
    portal_client.force_login(factories.MembershipFactory(company=company, role="buyer").user)
    return portal_client, contract


def basket(client):
    return client.get("/basket/").context["basket"]


def update_quantity(client, quantity):
    line = basket(client).all_lines()[0]
    return client.post(
        "/basket/",
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
            "form-0-id": line.pk,
            "form-0-quantity": quantity,
        },
        follow=True,
    )


def test_the_basket_reprices_a_line_as_it_crosses_a_break(contract_buyer):
    client, contract = contract_buyer
    product = factories.ProductFactory(stock=1000, stock__price="10.00")
    factories.price(contract, product, "9.00")
    factories.price(contract, product, "8.00", min_quantity=10)
    factories.price(contract, product, "7.00", min_quantity=50)

    client.post(f"/basket/add/{product.pk}/", {"quantity": 5})
    at_five = basket(client).total_excl_tax
    update_quantity(client, 10)
    at_ten = basket(client).total_excl_tax
    update_quantity(client, 50)
    page = client.get("/basket/")

    assert (at_five, at_ten, page.context["basket"].total_excl_tax) == (
        Decimal("45.00"),
        Decimal("80.00"),
        Decimal("350.00"),
    )
    assert "Your contract price (50+)" in page.content.decode()


def test_below_the_minimum_is_refused_with_a_message(storefront_client):
    product = factories.ProductFactory(min_order_quantity=5)

    response = storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 2}, follow=True)

    assert "minimum order quantity" in response.content.decode()
    assert basket(storefront_client).num_items == 0


def test_a_quantity_off_the_case_pack_is_refused_naming_the_valid_ones(storefront_client):
    product = factories.ProductFactory(order_multiple=12)

    response = storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 20}, follow=True)

    assert "sold in packs of 12: order 12 or 24" in response.content.decode()
    assert basket(storefront_client).num_items == 0


def test_the_case_pack_accepts_multiples(storefront_client):
    product = factories.ProductFactory(order_multiple=12)

    storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 24})

    assert basket(storefront_client).num_items == 24


def test_above_the_maximum_is_refused_when_updating_the_basket(storefront_client):
    product = factories.ProductFactory(max_order_quantity=3)
    storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 2})

    response = update_quantity(storefront_client, 4)

    assert "at most 3" in response.content.decode()
    assert basket(storefront_client).num_items == 2


def test_checkout_rechecks_the_rules(storefront_client):
    product = factories.ProductFactory(order_multiple=6)
    storefront_client.post(f"/basket/add/{product.pk}/", {"quantity": 6})
    product.order_multiple = 4
    product.save()

    response = checkout_basket(storefront_client, guest_email="g@example.com")

    assert response.status_code == 302
    assert response["Location"] != "/checkout/thank-you/"
    from oscar.core.loading import get_model

    assert not get_model("order", "Order").objects.exists()


def test_product_page_states_the_rules(storefront_client):
    product = factories.ProductFactory(order_multiple=10, min_order_quantity=20)

    response = storefront_client.get(product.get_absolute_url())

    assert "Sold in packs of 10 · minimum 20" in response.content.decode()


def test_an_expired_list_stops_applying_without_anyone_touching_it(contract_buyer):
    client, contract = contract_buyer
    product = factories.ProductFactory(stock__price="10.00")
    factories.price(contract, product, "6.00")
    contract.valid_until = timezone.now() + timedelta(seconds=1)
    contract.save()
    before = client.get(product.get_absolute_url()).context["product"].purchase.price.quote

    contract.valid_until = timezone.now() - timedelta(seconds=1)  # time has passed
    contract.save()
    after = client.get(product.get_absolute_url()).context["product"].purchase.price.quote

    assert (before.unit_net, after.unit_net) == (Decimal("6.00"), Decimal("10.00"))


def test_an_entry_that_has_not_started_does_not_apply(contract_buyer):
    client, contract = contract_buyer
    product = factories.ProductFactory(stock__price="10.00")
    factories.price(contract, product, "6.00", valid_from=timezone.now() + timedelta(days=1))

    quote = client.get(product.get_absolute_url()).context["product"].purchase.price.quote

    assert quote.unit_net == Decimal("10.00")


def test_an_inactive_list_does_not_apply(contract_buyer):
    client, contract = contract_buyer
    product = factories.ProductFactory(stock__price="10.00")
    factories.price(contract, product, "6.00")
    contract.is_active = False
    contract.save()

    quote = client.get(product.get_absolute_url()).context["product"].purchase.price.quote

    assert quote.unit_net == Decimal("10.00")
