"""POST /api/checkout/ with payment_method "instalments": the one pipeline, the
first part by card, the rest on the consumer's credit account."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.billing.models import CreditAccount
from commerce.instalments import services
from commerce.instalments.models import Instalment, InstalmentPlan
from tests import factories
from tests.api.conftest import storefront_api
from tests.instalments.conftest import fill, instalments_body

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def place(client, **extra):
    return client.post("/api/checkout/", instalments_body(**extra), format="json")


def test_a_gold_consumer_pays_an_eligible_basket_in_three_instalments(gold, eligible):
    client = storefront_api(gold)
    fill(client, eligible)

    response = place(client, count=3)

    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get()
    assert body["payment_method"] == "instalments"
    total = Decimal(body["total"])
    schedule = body["instalments"]
    assert [set(part) >= {"due", "amount", "status"} for part in schedule] == [True] * 3
    assert sum(Decimal(part["amount"]) for part in schedule) == total
    assert [part["status"] for part in schedule] == ["paid", "scheduled", "scheduled"]
    today = timezone.localdate()
    assert schedule[0]["due"] == today.isoformat()
    # The first part was charged by card; the rest is held on the credit account.
    assert order.sources.get().amount_allocated == Decimal(schedule[0]["amount"])
    account = CreditAccount.objects.get(user=gold)
    assert credit.exposure_of(account) == total - Decimal(schedule[0]["amount"])
    assert client.get(f"/api/orders/{order.number}/").json()["instalments"] == schedule


@pytest.mark.parametrize("count", [6, 12])
def test_six_and_twelve_instalments(gold, eligible, count):
    client = storefront_api(gold)
    fill(client, eligible, 2)
    response = place(client, count=count)
    assert response.status_code == 201, response.content
    assert len(response.json()["instalments"]) == count


def test_other_counts_are_a_validation_error(gold, eligible):
    client = storefront_api(gold)
    fill(client, eligible)
    assert place(client, count=4).status_code == 400
    no_count = instalments_body()
    del no_count["instalments"]
    assert client.post("/api/checkout/", no_count, format="json").status_code == 400
    assert not Order.objects.exists()


def test_an_ineligible_product_is_refused(gold, eligible):
    client = storefront_api(gold)
    fill(client, eligible)
    fill(client, factories.ProductFactory(stock__price="5.00"))
    response = place(client)
    assert (response.status_code, response.json()["code"]) == (400, "payment_method_not_allowed")
    assert not Order.objects.exists()
    assert not InstalmentPlan.objects.exists()


def test_a_consumer_without_the_tier_is_refused(eligible):
    factories.CountryFactory()
    user = factories.UserFactory()
    factories.credit_account(user=user, limit="1000.00")
    client = storefront_api(user)
    fill(client, eligible)
    response = place(client)
    assert (response.status_code, response.json()["code"]) == (400, "payment_method_not_allowed")
    assert not Order.objects.exists()


def test_an_eligible_category_counts_for_its_subtree(gold, offer):
    parent = factories.make_category("Furniture")
    child = factories.make_category("Sofas", parent=parent)
    offer.categories.add(parent)
    client = storefront_api(gold)
    fill(client, factories.ProductFactory(stock__price="300.00", category=child))
    assert place(client).status_code == 201


def test_over_the_credit_limit_is_refused_and_nothing_is_charged(gold, eligible):
    CreditAccount.objects.filter(user=gold).update(credit_limit=Decimal("50.00"))
    client = storefront_api(gold)
    fill(client, eligible)  # 100.00: 66.66 would stay on credit
    response = place(client)
    assert (response.status_code, response.json()["code"]) == (409, "credit_limit_exceeded")
    assert not Order.objects.exists()
    assert credit.exposure_of(CreditAccount.objects.get(user=gold)) == Decimal("0.00")


def _order(gold, eligible, count=3):
    client = storefront_api(gold)
    fill(client, eligible)
    assert place(client, count=count).status_code == 201
    return InstalmentPlan.objects.get()


def test_due_instalments_are_collected_by_card(gold, eligible):
    plan = _order(gold, eligible)
    account = plan.account
    later = timezone.localdate() + timedelta(days=32)

    result = services.instalments_collect(today=later)

    assert len(result.paid) == 1 and not result.failed
    statuses = list(plan.instalments.values_list("status", flat=True))
    assert statuses == ["paid", "paid", "scheduled"]
    assert credit.exposure_of(account) == services.outstanding(plan)
    # Running again the same day collects nothing twice.
    assert services.instalments_collect(today=later).paid == []


def test_a_refused_collection_puts_the_plan_and_account_on_hold(gold, eligible):
    plan = _order(gold, eligible)
    InstalmentPlan.objects.filter(pk=plan.pk).update(card_token="tok_sandbox_decline_0002_x")

    result = services.instalments_collect(today=timezone.localdate() + timedelta(days=32))

    assert len(result.failed) == 1
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.ON_HOLD
    assert plan.account.__class__.objects.get(pk=plan.account_id).on_credit_hold
    assert plan.instalments.filter(status=Instalment.Status.FAILED).count() == 1


def test_early_payoff_pays_everything_left(gold, eligible):
    plan = _order(gold, eligible, count=6)

    paid = services.plan_pay_off(plan=plan, user=gold)

    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.PAID
    assert paid == plan.total - plan.instalments.get(number=1).amount
    assert credit.exposure_of(plan.account) == Decimal("0.00")


def test_the_product_api_says_which_products_a_buyer_may_pay_in_instalments(gold, eligible):
    other = factories.ProductFactory()
    rows = storefront_api(gold).get("/api/products/").json()["results"]
    assert {row["id"]: row["instalments_eligible"] for row in rows} == {
        eligible.pk: True,
        other.pk: False,
    }
    anonymous = storefront_api().get(f"/api/products/{eligible.pk}/").json()
    assert anonymous["instalments_eligible"] is False
