"""The placement service: nothing half-done, exactly once, clear refusals."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from commerce.checkout import placement
from commerce.checkout.placement import CheckoutRequest, order_place
from commerce.order import stock
from commerce.order.exceptions import (
    IdempotencyConflict,
    OutOfStock,
    PONumberRequired,
    PriceChanged,
)
from commerce.payments.gateway import PaymentDeclined, PaymentUnavailable, get_gateway
from commerce.payments.models import SandboxAuthorization
from pricing.strategy import Selector
from tests import factories
from tests.orders.conftest import portal_buyer

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Source = get_model("payment", "Source")

pytestmark = pytest.mark.django_db

ADDRESS = {
    "first_name": "A",
    "last_name": "B",
    "line1": "1 Road",
    "line4": "Berlin",
    "postcode": "10115",
}


@pytest.fixture
def germany():
    return factories.CountryFactory()


def consumer_basket(product, quantity=1, user=None):
    user = user or factories.UserFactory()
    basket = Basket.objects.create(owner=user, site_id=1)
    basket.strategy = Selector().strategy(channel="storefront", user=user)
    basket.add_product(product, quantity)
    return user, basket


def card_request(user, germany, token="tok_sandbox_approve", **kwargs):
    return CheckoutRequest(
        channel="storefront",
        user=user,
        shipping_address={**ADDRESS, "country": germany},
        shipping_method_code="standard",
        payment_method="card",
        card_token=token,
        **kwargs,
    )


def test_a_card_order_is_authorized_and_recorded_without_card_data(
    germany, django_capture_on_commit_callbacks
):
    product = factories.ProductFactory(stock=5, stock__price="10.00")
    user, basket = consumer_basket(product, 2)

    with django_capture_on_commit_callbacks(execute=True):
        result = order_place(basket=basket, request=card_request(user, germany))

    order = result.order
    source = Source.objects.get(order=order)
    assert (order.status, order.payment_method, order.site_id) == ("Placed", "card", 1)
    assert source.label == "Visa ending 4242"
    assert source.amount_allocated == order.total_incl_tax == Decimal("28.75")  # 2 x 11.90 + 4.95
    assert source.amount_debited == order.total_incl_tax  # captured after commit
    assert "4242424242424242" not in str(Source.objects.values())
    basket.refresh_from_db()
    assert basket.status == Basket.SUBMITTED


@pytest.mark.parametrize(
    ("token", "error"),
    [("tok_sandbox_decline", PaymentDeclined), ("tok_sandbox_timeout", PaymentUnavailable)],
)
def test_a_failed_payment_leaves_nothing_behind(germany, token, error):
    product = factories.ProductFactory(stock=5)
    user, basket = consumer_basket(product, 2)

    with pytest.raises(error):
        order_place(basket=basket, request=card_request(user, germany, token=token))

    assert not Order.objects.exists()
    assert not StockRecord.objects.get(product=product).num_allocated
    basket.refresh_from_db()
    assert (basket.status, basket.num_items) == (Basket.OPEN, 2)


def test_an_error_after_the_card_is_authorized_voids_the_authorization(germany, monkeypatch):
    product = factories.ProductFactory(stock=5)
    user, basket = consumer_basket(product, 1)
    authorized = []
    gateway_class = type(get_gateway())
    real = gateway_class.authorize

    def spy(self, **kwargs):
        authorization = real(self, **kwargs)
        authorized.append(authorization)
        return authorization

    monkeypatch.setattr(gateway_class, "authorize", spy)

    def sold_out(lines):
        raise OutOfStock([("Thing", 1, 0)])

    monkeypatch.setattr(stock, "route_lines", sold_out)

    with pytest.raises(OutOfStock):
        order_place(basket=basket, request=card_request(user, germany))

    [authorization] = authorized
    assert SandboxAuthorization.objects.get(authorization_id=authorization.id).void is True
    assert not Order.objects.exists()
    assert not Source.objects.exists()


def test_a_retry_with_the_same_key_returns_the_same_order(germany):
    product = factories.ProductFactory(stock=5)
    user, basket = consumer_basket(product, 1)
    request = card_request(user, germany)

    first = order_place(basket=basket, request=request, idempotency_key="k-1")
    again = order_place(basket=basket, request=request, idempotency_key="k-1")

    assert (again.order, again.replayed) == (first.order, True)
    assert Order.objects.count() == 1
    assert Source.objects.count() == 1


def test_the_same_key_with_a_different_request_is_refused(germany):
    product = factories.ProductFactory(stock=5)
    user, basket = consumer_basket(product, 1)
    order_place(basket=basket, request=card_request(user, germany), idempotency_key="k-2")
    _, other_basket = consumer_basket(product, 3, user=user)

    with pytest.raises(IdempotencyConflict):
        order_place(basket=other_basket, request=card_request(user, germany), idempotency_key="k-2")

    assert Order.objects.count() == 1


def test_a_price_change_since_review_is_refused(germany):
    product = factories.ProductFactory(stock=5, stock__price="10.00")
    user, basket = consumer_basket(product, 1)

    with pytest.raises(PriceChanged):
        order_place(
            basket=basket, request=card_request(user, germany, expected_total=Decimal("11.00"))
        )

    assert not Order.objects.exists()


def test_a_company_that_requires_po_numbers_gets_them(portal_client):
    company = factories.CompanyFactory(po_number_required=True)
    factories.CompanyAddressFactory(company=company, is_default=True)
    factories.credit_account(company)
    client = portal_buyer(company)
    product = factories.ProductFactory()
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    from tests.orders.conftest import checkout_data

    without = client.post("/checkout/", checkout_data(company))
    with_po = client.post("/checkout/", checkout_data(company, po_number="PO-77"))

    assert without.status_code == 400
    assert "This field is required" in without.content.decode()
    assert with_po.status_code == 302
    assert Order.objects.get().po_number == "PO-77"


def test_the_service_itself_refuses_a_missing_po(germany):
    company = factories.CompanyFactory(po_number_required=True)
    membership = factories.MembershipFactory(company=company)
    basket = Basket.objects.create(owner=membership.user, site_id=2, company=company)
    basket.strategy = Selector().strategy(channel="portal", user=membership.user, company=company)
    basket.add_product(factories.ProductFactory(), 1)

    with pytest.raises(PONumberRequired):
        order_place(
            basket=basket,
            request=CheckoutRequest(
                channel="portal",
                user=membership.user,
                company=company,
                shipping_address={**ADDRESS, "country": germany},
                shipping_method_code="freight",
                payment_method="account",
            ),
        )


def test_placement_module_names_its_errors():
    assert placement.CheckoutError.code == "checkout_error"
