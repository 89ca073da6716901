"""Top-tier consumers may pay in 30 days, within a small personal limit."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from accounts.models import CustomerLoyalty, LoyaltyTier
from commerce.billing import credit
from commerce.billing.invoicing import invoice_for_shipped
from commerce.fulfilment.transitions import order_set_status
from tests import factories
from tests.helpers import ADDRESS

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db


@pytest.fixture
def tiers():
    silver = LoyaltyTier.objects.create(name="Silver", code="silver", rank=1, discount_percent=0)
    gold = LoyaltyTier.objects.create(name="Gold", code="gold", rank=2, discount_percent=0)
    return silver, gold


def consumer(tier, limit="300.00"):
    user = factories.UserFactory()
    CustomerLoyalty.objects.create(user=user, tier=tier)
    factories.credit_account(user=user, limit=limit)
    return user


def checkout_paying_later(client, product, quantity=1):
    factories.CountryFactory()
    client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})
    client.post("/checkout/shipping-address/", ADDRESS)
    client.post("/checkout/shipping-method/", {"method_code": "standard"})
    page = client.get("/checkout/payment-details/")
    client.post("/checkout/payment-details/", {"pay_later": "1"})
    preview = client.get("/checkout/preview/")
    if preview.status_code != 200:
        return page, preview
    return page, client.post(
        "/checkout/preview/",
        {
            "action": "place_order",
            "idempotency_key": preview.context["idempotency_key"],
            "expected_total": preview.context["expected_total"],
        },
    )


def test_a_gold_consumer_pays_in_30_days_and_gets_an_invoice(storefront_client, tiers, committed):
    user = consumer(tiers[1])
    storefront_client.force_login(user)

    page, placed = checkout_paying_later(
        storefront_client, factories.ProductFactory(stock=5, stock__price="50.00")
    )

    assert "Pay in 30 days" in page.content.decode()
    assert placed.status_code == 302
    order = Order.objects.get()
    assert order.payment_method == "pay_later"
    account = credit.account_for_user(user)
    assert credit.exposure_of(account) == order.total_incl_tax
    with committed():
        order_set_status(order=order, status="Shipped")
    invoice = account.invoices.get()
    assert invoice.total == order.total_incl_tax
    assert storefront_client.get("/accounts/invoices/").status_code == 200
    assert storefront_client.get(f"/accounts/invoices/{invoice.number}/pdf/").content.startswith(
        b"%PDF"
    )


def test_a_silver_consumer_is_not_offered_it(storefront_client, tiers):
    user = consumer(tiers[0])
    storefront_client.force_login(user)

    page, _refused = checkout_paying_later(storefront_client, factories.ProductFactory(stock=5))

    assert "Pay in 30 days" not in page.content.decode()
    assert not Order.objects.exists()


def test_over_the_personal_limit_is_refused(storefront_client, tiers):
    user = consumer(tiers[1], limit="100.00")
    storefront_client.force_login(user)

    _, refused = checkout_paying_later(
        storefront_client, factories.ProductFactory(stock=5, stock__price="100.00")
    )

    assert not Order.objects.exists()
    assert "exceeds your available credit" in refused.content.decode()


def test_another_consumers_invoice_is_not_found(storefront_client, tiers):
    owner = consumer(tiers[1])
    order_user = owner
    from tests.billing.test_pay_later import checkout_paying_later as place

    storefront_client.force_login(order_user)
    place(storefront_client, factories.ProductFactory(stock=5, stock__price="20.00"))
    order_set_status(order=Order.objects.get(), status="Shipped")
    invoice_for_shipped(order_id=Order.objects.get().pk)
    number = credit.account_for_user(owner).invoices.get().number
    storefront_client.force_login(factories.UserFactory())

    assert storefront_client.get(f"/accounts/invoices/{number}/").status_code == 404
    assert Decimal("0") <= credit.exposure_of(credit.account_for_user(owner))
