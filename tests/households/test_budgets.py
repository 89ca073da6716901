"""A household member's storefront orders against their monthly budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.approvals import services as approval_services
from commerce.approvals.exceptions import NotApprover
from commerce.approvals.models import ApprovalRequest
from commerce.checkout.placement import CheckoutRequest, order_place
from commerce.households import budget, services
from commerce.households.exceptions import InvalidBudget, NotHouseholdOwner
from commerce.order import status as order_status
from commerce.order.exceptions import ApprovalRequired
from pricing.strategy import Selector
from tests import factories, helpers
from tests.households.conftest import add_member, order_total, product

pytestmark = pytest.mark.django_db


def test_an_order_within_the_budget_is_placed_and_counts_against_it(member):
    item = product("10.00")
    total = order_total(item)

    order = helpers.place_storefront_order(member.user, item).order

    assert order.status == order_status.PLACED
    assert not ApprovalRequest.objects.exists()
    standing = budget.standing(member)
    assert standing.spent == total
    assert standing.remaining == Decimal("100.00") - total


def test_an_order_over_what_is_left_waits_for_the_owner(member, household, committed):
    item = product("10.00")
    total = order_total(item)
    services.member_budget_set(member=member, actor=household.owner, monthly_budget=total * 2 - 1)
    helpers.place_storefront_order(member.user, item)  # within: placed

    mail.outbox.clear()
    with committed():
        order = helpers.place_storefront_order(member.user, item).order

    assert order.status == order_status.PENDING_APPROVAL
    request = order.approval
    assert request.household == household and request.company is None
    assert request.requested_by == member.user
    assert request.reasons[0]["kind"] == "household_budget"
    assert "over your monthly household budget" in request.reasons[0]["message"]
    assert [m.to for m in mail.outbox if "needs your approval" in m.subject] == [
        [household.owner.email]
    ]
    # the card is held, not taken, until the owner decides
    assert order.sources.get().amount_debited == Decimal("0.00")


def test_the_owner_approves_and_the_order_proceeds(member, household, committed):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="0.00")
    order = helpers.place_storefront_order(member.user, product()).order

    with committed():
        approval_services.approval_decide(
            request=order.approval, approver=household.owner, decision="approve"
        )

    order.refresh_from_db()
    assert order.status == order_status.PLACED
    assert order.approval.status == ApprovalRequest.Status.APPROVED
    assert order.sources.get().amount_debited == order.total_incl_tax  # captured now


def test_the_owner_rejects_the_order_is_released_and_the_member_emailed(
    member, household, committed
):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="0.00")
    item = product()
    order = helpers.place_storefront_order(member.user, item, 3).order
    stock = item.stockrecords.get()
    assert stock.num_allocated == 3

    mail.outbox.clear()
    with committed():
        approval_services.approval_decide(
            request=order.approval, approver=household.owner, decision="reject", comment="too much"
        )

    order.refresh_from_db()
    stock.refresh_from_db()
    assert order.status == order_status.REJECTED
    assert stock.num_allocated == 0
    assert any(m.to == [member.user.email] and "rejected" in m.subject for m in mail.outbox)
    # a rejected order no longer counts
    assert budget.member_spent(member) == Decimal("0.00")


def test_only_the_owner_decides(member, household):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="0.00")
    order = helpers.place_storefront_order(member.user, product()).order
    other = add_member(household, "other@home.example", "50.00").user

    for someone in (member.user, other, factories.UserFactory(), factories.StaffFactory()):
        with pytest.raises(NotApprover):
            approval_services.approval_decide(
                request=order.approval, approver=someone, decision="approve"
            )
    assert order.approval.status == ApprovalRequest.Status.PENDING


def test_the_household_budget_is_shared_by_its_members(member, household):
    item = product("10.00")
    total = order_total(item)
    services.household_budget_set(household=household, actor=household.owner, monthly_budget=total)
    second = add_member(household, "other@home.example", "100.00")

    first = helpers.place_storefront_order(member.user, item).order
    then = helpers.place_storefront_order(second.user, item).order

    assert first.status == order_status.PLACED
    assert then.status == order_status.PENDING_APPROVAL
    assert "household's monthly budget" in then.approval.reasons[0]["message"]


def test_the_standings_of_all_members_at_once_match_each_alone(household, member):
    household = services.household_budget_set(
        household=household, actor=household.owner, monthly_budget="500"
    )
    second = add_member(household, "other@home.example", "30.00")
    helpers.place_storefront_order(member.user, product("10.00"))
    helpers.place_storefront_order(second.user, product("20.00"), 2)
    helpers.place_storefront_order(household.owner, product("20.00"))  # the owner's own

    together = budget.standings(household, [member, second])

    assert together == {m.pk: budget.standing(m) for m in (member, second)}
    assert together[second.pk].remaining == Decimal("0.00")


def test_last_month_and_orders_before_joining_do_not_count(household):
    user = factories.UserFactory(email="late@home.example")
    earlier = helpers.place_storefront_order(user, product()).order
    invitation = services.invitation_create(
        household=household, actor=household.owner, email=user.email, monthly_budget="5.00"
    )
    member = services.invitation_accept(token=services.invitation_token(invitation), user=user)
    assert budget.member_spent(member) == Decimal("0.00")
    assert earlier.date_placed < member.joined_at

    order = helpers.place_storefront_order(user, product()).order
    assert budget.member_spent(member) == order.total_incl_tax
    next_month = budget.month_start() + timedelta(days=40)
    assert budget.member_spent(member, at=next_month) == Decimal("0.00")


def test_the_month_starts_at_midnight_in_the_project_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    at = timezone.make_aware(timezone.datetime(2026, 3, 1, 0, 30), timezone.get_fixed_timezone(60))
    start = budget.month_start(at)
    assert (start.year, start.month, start.day, start.hour) == (2026, 3, 1, 0)
    assert budget.month_start(at - timedelta(hours=1)).month == 2


def test_the_owner_and_consumers_outside_households_are_not_budgeted(household):
    order = helpers.place_storefront_order(household.owner, product("500.00")).order
    assert order.status == order_status.PLACED


def test_a_member_who_left_is_no_longer_budgeted(member, household):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="0.00")
    services.member_remove(member=member, actor=member.user)
    assert (
        helpers.place_storefront_order(member.user, product()).order.status == order_status.PLACED
    )


def test_a_request_that_refuses_approval_is_refused_over_budget(member, household):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="0.00")
    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create(owner=member.user, site_id=settings.STOREFRONT_SITE_ID)
    basket.strategy = Selector().strategy(channel="storefront", user=member.user)
    basket.add_product(product(), 1)
    with pytest.raises(ApprovalRequired):
        order_place(
            basket=basket,
            request=CheckoutRequest(
                channel="storefront",
                user=member.user,
                shipping_address={**helpers.ADDRESS, "country": factories.CountryFactory()},
                shipping_method_code="standard",
                payment_method="card",
                card_token="tok_sandbox_approve",
                refuse_if_approval_needed=True,
            ),
        )
    assert not member.user.orders.exists()


def test_budgets_are_validated(member, household):
    for bad in ("-1", "abc", "NaN", "Infinity", "1e20", None):
        with pytest.raises(InvalidBudget):
            services.member_budget_set(member=member, actor=household.owner, monthly_budget=bad)
    with pytest.raises(NotHouseholdOwner):
        services.member_budget_set(member=member, actor=member.user, monthly_budget="500")
    member.refresh_from_db()
    assert member.monthly_budget == Decimal("100.00")
    assert services.clean_budget("12.345") == Decimal("12.35")  # half up
