"""A deadlock or serialization failure the database still reports is retried a
few times, then answered 409 ``conflict_retry`` (API) or a "try again"
message (pages) — never a 500, and nothing is half-applied."""

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from oscar.core.loading import get_model
from rest_framework.test import APIClient

from commerce.core.locks import LockConflict
from tests import factories
from tests.helpers import place_portal_order

# The forced failures hit ``SELECT ... FOR UPDATE`` statements: PostgreSQL's.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


class Deadlock(Exception):
    pgcode = "40P01"  # what psycopg2 reports for "deadlock detected"


class DeadlockOnCreditLock:
    """Fails the next ``times`` locks of a credit account as the deadlock victim."""

    def __init__(self, times):
        self.times = times
        self.failed = 0

    def __call__(self, execute, sql, params, many, context):
        if "FOR UPDATE" in sql and '"billing_creditaccount"' in sql and self.failed < self.times:
            self.failed += 1
            raise OperationalError("deadlock detected") from Deadlock()
        return execute(sql, params, many, context)


@pytest.fixture
def company():
    return factories.business("Acme Industrial")


def test_a_deadlock_victim_is_retried_and_the_order_placed_once(company):
    buyer = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=5)
    victim = DeadlockOnCreditLock(times=2)

    with connection.execute_wrapper(victim):
        place_portal_order(company, buyer, product, 1)

    assert victim.failed == 2
    assert Order.objects.count() == 1
    assert StockRecord.objects.get(product=product).num_allocated == 1


def test_a_conflict_that_keeps_happening_is_lock_conflict_and_nothing_is_placed(company):
    buyer = factories.MembershipFactory(company=company).user
    product = factories.ProductFactory(stock=5)

    with connection.execute_wrapper(DeadlockOnCreditLock(times=99)):
        with pytest.raises(LockConflict):
            place_portal_order(company, buyer, product, 1)

    assert not Order.objects.exists()
    assert not StockRecord.objects.get(product=product).num_allocated


def test_the_api_answers_409_conflict_retry(company):
    user = factories.MembershipFactory(company=company, role="buyer").user
    client = APIClient(HTTP_HOST=settings.PORTAL_HOST)
    client.force_authenticate(user)
    product = factories.ProductFactory(stock=5)
    client.post("/api/basket/lines/", {"product": product.pk, "quantity": 1}, format="json")
    body = {
        "payment_method": "account",
        "ship_to": company.addresses.get(kind="ship_to", is_default=True).pk,
    }

    with connection.execute_wrapper(DeadlockOnCreditLock(times=99)):
        response = client.post("/api/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "conflict_retry"
    assert not Order.objects.exists()
    again = client.post("/api/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201, again.content


def test_the_portal_checkout_page_says_try_again(company):
    from tests.helpers import portal_checkout
    from tests.orders.conftest import portal_buyer

    client = portal_buyer(company)
    product = factories.ProductFactory(stock=5)
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})

    with connection.execute_wrapper(DeadlockOnCreditLock(times=99)):
        response = portal_checkout(client)

    assert response.status_code in (302, 303), response.status_code
    followed = client.get(response["Location"])
    assert "please try again" in followed.content.decode()
    assert not Order.objects.exists()


def test_a_conflict_inside_an_approval_decision_retries_the_whole_decision(company):
    from commerce.approvals.models import ApprovalDecision, ApprovalRule
    from commerce.approvals.services import approval_decide
    from commerce.billing import credit

    ApprovalRule.objects.create(company=company, kind="order_total", amount="1.00")
    buyer = factories.MembershipFactory(company=company).user
    approver = factories.MembershipFactory(company=company, role="approver").user
    product = factories.ProductFactory(stock=5)
    order = place_portal_order(company, buyer, product, 2).order
    victim = DeadlockOnCreditLock(times=2)

    with connection.execute_wrapper(victim):
        approval_decide(request=order.approval, approver=approver, decision="reject", comment="no")

    assert victim.failed == 2
    assert Order.objects.get(pk=order.pk).status == "Rejected"
    assert ApprovalDecision.objects.filter(request=order.approval).count() == 1
    assert not StockRecord.objects.get(product=product).num_allocated
    assert credit.exposure_of(company.credit_account) == 0
