"""What customers read: confirmation emails link to the exact order page on the
site's configured URL (port included), come from the shop's name, state the
site's amounts; the thank-you page shows no internal payment reference."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from oscar.core.loading import get_model

from tests import factories
from tests.helpers import checkout, place_portal_order

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


def test_storefront_confirmation_links_to_the_order_and_comes_from_the_shop(
    storefront_client, committed, settings
):
    settings.STOREFRONT_URL = "http://localhost:8000"
    customer = factories.UserFactory()
    storefront_client.force_login(customer)
    product = factories.ProductFactory(stock=5, stock__price="10.00")

    with committed():
        response = checkout(storefront_client, product, quantity=2)
    assert response.status_code == 302
    order = Order.objects.get()
    thanks = storefront_client.get("/checkout/thank-you/").content.decode()

    [email] = mail.outbox
    assert email.from_email.startswith(settings.OSCAR_SHOP_NAME)
    assert f"http://localhost:8000/accounts/orders/{order.number}/" in email.body
    assert "23.80" in email.body and "incl. VAT" in email.body
    assert "auth_sandbox" not in thanks and "reference:" not in thanks
    assert "Allocation of" not in thanks


def test_portal_confirmation_is_net_with_a_vat_line(committed):
    company = factories.business("Acme")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    product = factories.ProductFactory(stock=5, stock__price="10.00")

    with committed():
        placement = place_portal_order(company, buyer, product, 3)
    order = placement.order

    [email] = mail.outbox
    assert f"{settings.PORTAL_URL}/orders/{order.number}/" in email.body
    assert "excl. VAT" in email.body and "VAT:" in email.body
    assert f"{order.total_excl_tax:.2f}" in email.body
    assert order.total_excl_tax + order.total_tax == order.total_incl_tax
    assert order.basket_total_excl_tax == Decimal("30.00")
