"""The storefront's Household page for the owner and a member, its forms, and
the checkout preview's budget notice."""

import pytest

from commerce.approvals.models import ApprovalRequest
from commerce.households import services
from commerce.households.models import Household, HouseholdMember
from commerce.order import status as order_status
from tests import factories, helpers
from tests.households.conftest import add_member, product, shop

pytestmark = pytest.mark.django_db

URL = "/accounts/household/"


def test_a_consumer_starts_a_household(db):
    user = factories.UserFactory()
    assert "Start a household" in shop(user).get(URL).content.decode()
    assert shop(user).post(URL, {"action": "create", "name": "Home"}).status_code == 302
    assert Household.objects.get().owner == user


def test_the_owner_page_lists_members_and_pending_orders_and_approves(household, member):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="0.00")
    order = helpers.place_storefront_order(member.user, product()).order
    page = shop(household.owner).get(URL).content.decode()
    assert "kid@home.example" in page
    assert str(order.number) in page

    response = shop(household.owner).post(
        URL, {"action": "decide", "request": order.approval.pk, "decision": "approve"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == order_status.PLACED


def test_the_owner_page_costs_a_constant_number_of_queries(household, member):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="0.00")
    helpers.place_storefront_order(member.user, product())  # one waiting, one member
    client = shop(household.owner)
    few = helpers.count_queries(client, URL)
    for n in range(4):
        extra = add_member(household, f"m{n}@home.example", "0.00")
        helpers.place_storefront_order(extra.user, product())
    assert helpers.count_queries(client, URL) == few


def test_a_member_page_shows_the_budget_left(household, member):
    page = shop(member.user).get(URL).content.decode()
    assert "left of your" in page
    assert "100.00" in page


@pytest.mark.parametrize(
    "data",
    [
        {"action": "budget", "member": "x", "monthly_budget": "1"},
        {"action": "budget", "member": "999999", "monthly_budget": "1"},
        {"action": "decide", "request": "999999", "decision": "approve"},
    ],
)
def test_unknown_ids_are_404(household, member, data):
    assert shop(household.owner).post(URL, data).status_code == 404


def test_bad_input_is_400_and_changes_nothing(household, member):
    client = shop(household.owner)
    assert (
        client.post(
            URL, {"action": "budget", "member": member.pk, "monthly_budget": "-1"}
        ).status_code
        == 400
    )
    assert (
        client.post(URL, {"action": "invite", "email": "bad", "monthly_budget": "1"}).status_code
        == 400
    )
    assert client.post(URL, {"action": "nope"}).status_code == 400
    assert client.post(URL, {"action": "__class__"}).status_code == 400
    member.refresh_from_db()
    assert str(member.monthly_budget) == "100.00"
    assert household.invitations.count() == 1  # the member's own, accepted


def test_a_member_cannot_act_as_owner(household, member):
    other = add_member(household, "other@home.example", "10.00")
    response = shop(member.user).post(
        URL, {"action": "budget", "member": other.pk, "monthly_budget": "999"}
    )
    assert response.status_code == 404
    assert HouseholdMember.objects.get(pk=other.pk).monthly_budget == 10


def test_the_checkout_preview_tells_a_member_the_order_waits_for_the_owner(household, member):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="0.00")
    client = shop(member.user)
    factories.CountryFactory()
    client.post(f"/basket/add/{product().pk}/", {"quantity": 1})
    client.post("/checkout/shipping-address/", helpers.ADDRESS)
    client.post("/checkout/shipping-method/", {"method_code": "standard"})
    client.post(
        "/checkout/payment-details/",
        {"number": helpers.APPROVED_CARD, "expiry": "12/39", "cvc": "123"},
    )
    page = client.get("/checkout/preview/").content.decode()
    assert "household_over_budget" in page
    assert "ask_owner_to_pay" in page
    assert not ApprovalRequest.objects.exists()

    helpers.checkout_basket(client)
    order = member.user.orders.get()
    assert order.status == order_status.PENDING_APPROVAL
    assert order.approval.household == household
