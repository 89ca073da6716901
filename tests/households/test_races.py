"""Spending the last of a budget at the same moment, on PostgreSQL with real
threads: the household row (step 3b of the lock order) lets exactly one
order fit; the other waits for the owner's approval."""

import pytest

from commerce.approvals.models import ApprovalRequest
from commerce.households import budget, services
from commerce.order import status as order_status
from tests import helpers
from tests.households.conftest import add_member, order_total, product

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def order_of(user, item):
    return lambda: helpers.place_storefront_order(user, item).order


def statuses(orders) -> list[str]:
    for order in orders:
        order.refresh_from_db()
    return sorted(order.status for order in orders)


@pytest.mark.parametrize("attempt", range(3))
def test_two_members_spending_the_last_of_the_household_budget_at_once(household, attempt):
    item = product("10.00")
    total = order_total(item)
    services.household_budget_set(
        household=household, actor=household.owner, monthly_budget=total * 3 // 2
    )
    first = add_member(household, f"a{attempt}@home.example", "1000.00")
    second = add_member(household, f"b{attempt}@home.example", "1000.00")

    orders = helpers.at_once(order_of(first.user, item), order_of(second.user, item))

    assert statuses(orders) == [order_status.PENDING_APPROVAL, order_status.PLACED]
    pending = ApprovalRequest.objects.get()
    assert pending.household == household
    assert pending.status == ApprovalRequest.Status.PENDING
    assert budget.household_spent(household) == total * 2  # pending orders count


@pytest.mark.parametrize("attempt", range(3))
def test_a_member_placing_two_orders_at_once_against_their_own_budget(household, attempt):
    item = product("10.00")
    total = order_total(item)
    member = add_member(household, f"kid{attempt}@home.example", str(total * 3 // 2))

    orders = helpers.at_once(order_of(member.user, item), order_of(member.user, item))

    assert statuses(orders) == [order_status.PENDING_APPROVAL, order_status.PLACED]
    assert ApprovalRequest.objects.filter(requested_by=member.user).count() == 1


def test_two_accounts_racing_for_one_invitation_join_once(household):
    from commerce.households.exceptions import HouseholdError
    from commerce.households.models import HouseholdMember
    from tests import factories

    user = factories.UserFactory(email="twin@home.example")
    invitation = services.invitation_create(
        household=household, actor=household.owner, email=user.email, monthly_budget="10.00"
    )
    token = services.invitation_token(invitation)

    outcomes = helpers.at_once(
        lambda: services.invitation_accept(token=token, user=user),
        lambda: services.invitation_accept(token=token, user=user),
        expected=HouseholdError,
    )

    assert sum(isinstance(o, HouseholdError) for o in outcomes) == 1
    assert HouseholdMember.objects.filter(user=user, is_active=True).count() == 1
