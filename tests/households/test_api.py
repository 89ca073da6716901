"""``/api/household/...``: the owner's and a member's view, invitations,
budgets and the owner's decisions; bad input is a clear 400, another
household's ids a 404, a non-owner a 403."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from commerce.approvals.models import ApprovalRequest
from commerce.households import services
from commerce.households.models import HouseholdMember
from commerce.order import status as order_status
from tests import factories, helpers
from tests.households.conftest import add_member, product

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient(HTTP_HOST=settings.STOREFRONT_HOST)
    if user is not None:
        client.force_authenticate(user)
    return client


def over_budget_order(member, household):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="0.00")
    return helpers.place_storefront_order(member.user, product()).order


def test_the_owner_sees_members_budgets_and_invitations(household, member):
    services.invitation_create(
        household=household, actor=household.owner, email="gran@home.example", monthly_budget="20"
    )
    body = api(household.owner).get("/api/household/").json()
    assert body["role"] == "owner"
    assert body["name"] == "The Smiths"
    assert [(m["email"], m["monthly_budget"], m["remaining"]) for m in body["members"]] == [
        ("kid@home.example", "100.00", "100.00")
    ]
    assert [i["email"] for i in body["invitations"]] == ["gran@home.example"]


def test_a_member_sees_what_is_left(household, member):
    order = helpers.place_storefront_order(member.user, product()).order
    body = api(member.user).get("/api/household/").json()
    assert body["role"] == "member"
    assert body["owner"] == household.owner.email
    assert body["spent_this_month"] == str(order.total_incl_tax)
    assert body["remaining"] == str(member.monthly_budget - order.total_incl_tax)
    assert "members" not in body or not body["members"]


def test_someone_in_no_household_gets_404_and_anonymous_401_or_403(db):
    assert api(factories.UserFactory()).get("/api/household/").status_code == 404
    assert api().get("/api/household/").status_code in (401, 403)


def test_invite_and_accept_through_the_api(household):
    response = api(household.owner).post(
        "/api/household/invitations/",
        {"email": "kid@home.example", "monthly_budget": "40.00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    token = response.json()["url"].rstrip("/").rsplit("/", 1)[1]
    kid = factories.UserFactory(email="kid@home.example")
    accepted = api(kid).post("/api/household/accept/", {"token": token}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["monthly_budget"] == "40.00"
    again = api(kid).post("/api/household/accept/", {"token": token}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"email": "kid@home.example", "monthly_budget": "-1"},
        {"email": "kid@home.example", "monthly_budget": "abc"},
        {"email": "not-an-email", "monthly_budget": "10"},
        {"email": "kid@home.example"},
        {"email": "kid@home.example", "monthly_budget": "1e30"},
    ],
)
def test_bad_invitations_are_400_and_create_nothing(household, body):
    response = api(household.owner).post("/api/household/invitations/", body, format="json")
    assert response.status_code == 400, response.content
    assert not household.invitations.exists()


def test_a_non_owner_cannot_invite_or_edit(household, member):
    assert (
        api(member.user)
        .post("/api/household/invitations/", {"email": "a@b.example", "monthly_budget": "1"})
        .status_code
        == 403
    )
    response = api(member.user).patch(
        f"/api/household/members/{member.pk}/", {"monthly_budget": "999"}, format="json"
    )
    assert response.status_code == 403
    assert api(member.user).get("/api/household/approvals/").status_code == 403
    member.refresh_from_db()
    assert str(member.monthly_budget) == "100.00"


def test_the_owner_edits_a_budget_and_bad_values_are_400(household, member):
    url = f"/api/household/members/{member.pk}/"
    for bad in ("-5", "", "x", None):
        assert (
            api(household.owner).patch(url, {"monthly_budget": bad}, format="json").status_code
            == 400
        )
    response = api(household.owner).patch(url, {"monthly_budget": "250.5"}, format="json")
    assert response.status_code == 200
    assert response.json()["monthly_budget"] == "250.50"


def test_another_households_member_or_request_is_404(household, member):
    other = services.household_create(owner=factories.UserFactory(), name="Next door")
    stranger = add_member(other, "stranger@else.example", "5.00")
    order = over_budget_order(stranger, other)
    owner = api(household.owner)
    assert (
        owner.patch(
            f"/api/household/members/{stranger.pk}/", {"monthly_budget": "1"}, format="json"
        ).status_code
        == 404
    )
    assert owner.post(f"/api/household/approvals/{order.approval.pk}/approve/").status_code == 404
    assert HouseholdMember.objects.get(pk=stranger.pk).monthly_budget == 0
    assert ApprovalRequest.objects.get(pk=order.approval.pk).is_pending


def test_the_owner_lists_and_approves_through_the_api(household, member):
    order = over_budget_order(member, household)
    listed = api(household.owner).get("/api/household/approvals/").json()["results"]
    assert [a["order"] for a in listed] == [str(order.number)]
    assert listed[0]["rules"][0]["kind"] == "household_budget"

    response = api(household.owner).post(f"/api/household/approvals/{order.approval.pk}/approve/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    order.refresh_from_db()
    assert order.status == order_status.PLACED
    again = api(household.owner).post(f"/api/household/approvals/{order.approval.pk}/approve/")
    assert again.status_code == 409


def test_rejecting_needs_a_reason(household, member):
    order = over_budget_order(member, household)
    url = f"/api/household/approvals/{order.approval.pk}/reject/"
    assert api(household.owner).post(url, {"comment": ""}, format="json").status_code == 400
    response = api(household.owner).post(url, {"comment": "not this month"}, format="json")
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == order_status.REJECTED


def test_the_approvals_list_costs_the_same_queries_for_more_requests(household, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(household.owner)
    over_budget_order(member, household)
    client.get("/api/household/approvals/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/household/approvals/")
    for n in range(3):
        extra = add_member(household, f"m{n}@home.example", "0.00")
        helpers.place_storefront_order(extra.user, product())
    with CaptureQueriesContext(connection) as four:
        body = client.get("/api/household/approvals/").json()
    assert body["count"] == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_member_cannot_approve_their_own_order(household, member):
    order = over_budget_order(member, household)
    response = api(member.user).post(f"/api/household/approvals/{order.approval.pk}/approve/")
    assert response.status_code == 403
    assert ApprovalRequest.objects.get(pk=order.approval.pk).is_pending
