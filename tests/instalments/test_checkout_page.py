"""Instalments on the storefront checkout page: offered only when the basket
and the consumer qualify, with the schedule the preview works out, placed
through the same checkout request as the API."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.instalments.models import InstalmentPlan
from tests import factories
from tests.helpers import ADDRESS, APPROVED_CARD

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def shop(user) -> Client:
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(user)
    return client


def to_payment(client, product, quantity=1):
    client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})
    client.post("/checkout/shipping-address/", ADDRESS)
    client.post("/checkout/shipping-method/", {"method_code": "standard"})
    return client.get("/checkout/payment-details/")


def card(**extra) -> dict:
    return {"number": APPROVED_CARD, "expiry": "12/39", "cvc": "123", **extra}


def place(client):
    preview = client.get("/checkout/preview/")
    assert preview.status_code == 200
    return preview, client.post(
        "/checkout/preview/",
        {
            "action": "place_order",
            "idempotency_key": preview.context["idempotency_key"],
            "expected_total": preview.context["expected_total"],
        },
    )


def test_a_gold_consumer_sees_the_plans_and_pays_in_three(gold, eligible):
    client = shop(gold)
    page = to_payment(client, eligible)
    options = page.context["instalment_options"]
    assert [o.count for o in options] == [3, 6, 12]
    three = options[0]
    assert three.total == Decimal("100.00")  # 84.03 + 19 %, free delivery over 50
    assert [p.amount for p in three.parts] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert "Pay in 3 monthly instalments (0 %)" in page.content.decode()

    assert client.post("/checkout/payment-details/", card(instalments="3")).status_code == 302
    preview, response = place(client)

    assert preview.context["instalment_plan"].count == 3
    assert 'id="instalment_schedule"' in preview.content.decode()
    assert response.status_code == 302
    order = Order.objects.get()
    plan = InstalmentPlan.objects.get(order=order)
    assert (order.payment_method, plan.count) == ("instalments", 3)
    assert [p.amount for p in plan.instalments.all()] == [p.amount for p in three.parts]
    assert order.sources.get().amount_allocated == Decimal("33.34")
    assert credit.exposure_of(plan.account) == Decimal("66.66")
    detail = client.get(f"/accounts/orders/{order.number}/")
    assert 'id="order_instalment_schedule"' in detail.content.decode()


def test_paying_in_full_stays_a_card_order(gold, eligible):
    client = shop(gold)
    to_payment(client, eligible)
    client.post("/checkout/payment-details/", card(instalments=""))
    _preview, response = place(client)
    assert response.status_code == 302
    assert Order.objects.get().payment_method == "card"
    assert not InstalmentPlan.objects.exists()


def test_no_plans_for_an_ineligible_basket_or_buyer(gold, eligible, consumer_without_tier):
    other = factories.ProductFactory(stock__price="84.03")
    page = to_payment(shop(gold), other)
    assert page.context["instalment_options"] == []
    assert "monthly instalments" not in page.content.decode()
    page = to_payment(shop(consumer_without_tier), eligible)
    assert page.context["instalment_options"] == []


def test_a_plan_not_offered_is_refused_with_a_message_and_nothing_placed(gold, eligible):
    client = shop(gold)
    to_payment(client, eligible)
    for bogus in ("5", "twelve", "-3"):
        response = client.post("/checkout/payment-details/", card(instalments=bogus))
        assert response.status_code == 200
        assert response.context["instalment_form"].errors
    assert not Order.objects.exists()


def test_too_little_credit_left_offers_only_what_fits(gold, eligible):
    account = credit.account_for_user(gold)
    account.credit_limit = Decimal("60.00")
    account.save(update_fields=["credit_limit"])
    client = shop(gold)
    page = to_payment(client, eligible)
    # 3 parts leave 66.66 to hold, 6 leave 83.33, 12 leave 91.63: none fits 60.00.
    assert page.context["instalment_options"] == []
    account.credit_limit = Decimal("70.00")
    account.save(update_fields=["credit_limit"])
    page = client.get("/checkout/payment-details/")
    assert [o.count for o in page.context["instalment_options"]] == [3]


def test_a_basket_changed_after_choosing_is_refused_at_placement(gold, eligible):
    client = shop(gold)
    to_payment(client, eligible)
    client.post("/checkout/payment-details/", card(instalments="3"))
    other = factories.ProductFactory(stock__price="10.00")
    client.post(f"/basket/add/{other.pk}/", {"quantity": 1})
    preview = client.get("/checkout/preview/")
    response = client.post(
        "/checkout/preview/",
        {
            "action": "place_order",
            "idempotency_key": preview.context["idempotency_key"],
            "expected_total": preview.context["expected_total"],
        },
    )
    assert response.status_code == 200
    assert "cannot be paid in instalments" in response.content.decode()
    assert not Order.objects.exists()
