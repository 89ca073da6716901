"""The household's history: every change of budgets and membership is recorded
once, with who made it, and the owner sees it on the Household page."""

import pytest

from commerce.households import services
from commerce.households.models import HouseholdEvent
from tests.households.conftest import add_member, shop

pytestmark = pytest.mark.django_db

URL = "/accounts/household/"
Kind = HouseholdEvent.Kind


def kinds(household) -> list[str]:
    return list(household.events.order_by("created_at", "pk").values_list("kind", flat=True))


def test_creating_inviting_and_joining_are_recorded(household, member):
    assert kinds(household) == [Kind.CREATED, Kind.INVITED, Kind.JOINED]
    joined = household.events.get(kind=Kind.JOINED)
    assert joined.actor == member.user
    assert joined.message == "kid@home.example joined with 100.00 a month."


def test_a_budget_change_records_before_and_after_and_who(household, member):
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="40")
    services.household_budget_set(household=household, actor=household.owner, monthly_budget="300")
    services.household_budget_set(household=household, actor=household.owner, monthly_budget=None)

    member_event = household.events.get(kind=Kind.MEMBER_BUDGET_SET)
    assert member_event.actor == household.owner
    assert member_event.message == "kid@home.example: 100.00 → 40.00 a month."
    assert member_event.data == {"member": member.pk, "before": "100.00", "after": "40.00"}
    shared = list(household.events.filter(kind=Kind.BUDGET_SET).order_by("pk"))
    assert [e.message for e in shared] == [
        "Household budget: no limit → 300.00 a month.",
        "Household budget: 300.00 → no limit a month.",
    ]


def test_setting_the_same_budget_again_records_nothing(household, member):
    before = household.events.count()
    services.member_budget_set(member=member, actor=household.owner, monthly_budget="100.00")
    services.household_budget_set(household=household, actor=household.owner, monthly_budget=None)
    assert household.events.count() == before


def test_a_refused_change_records_nothing(household, member):
    before = household.events.count()
    with pytest.raises(services.InvalidBudget):
        services.member_budget_set(member=member, actor=household.owner, monthly_budget="-5")
    with pytest.raises(services.NotHouseholdOwner):
        services.member_budget_set(member=member, actor=member.user, monthly_budget="500")
    assert household.events.count() == before
    member.refresh_from_db()
    assert str(member.monthly_budget) == "100.00"


def test_removing_leaving_and_withdrawing_are_told_apart(household, member):
    other = add_member(household, "teen@home.example", "20.00")
    invitation = services.invitation_create(
        household=household, actor=household.owner, email="gran@home.example", monthly_budget="5"
    )
    services.invitation_revoke(invitation=invitation, actor=household.owner)
    services.invitation_revoke(invitation=invitation, actor=household.owner)  # again: no event
    services.member_remove(member=member, actor=household.owner)
    services.member_remove(member=other, actor=other.user)

    assert kinds(household)[-3:] == [Kind.INVITATION_REVOKED, Kind.MEMBER_REMOVED, Kind.MEMBER_LEFT]
    assert household.events.filter(kind=Kind.INVITATION_REVOKED).count() == 1
    assert household.events.get(kind=Kind.MEMBER_LEFT).actor == other.user


def test_the_owner_sees_the_history_and_a_member_does_not(household, member):
    client = shop(household.owner)
    response = client.post(URL, {"action": "budget", "member": member.pk, "monthly_budget": "60"})
    assert response.status_code == 302

    owner_page = client.get(URL).content.decode()
    member_page = shop(member.user).get(URL).content.decode()

    assert 'id="household_history"' in owner_page
    assert "kid@home.example: 100.00 → 60.00 a month." in owner_page
    assert "household_history" not in member_page


def test_a_hostile_email_is_shown_escaped(household):
    add_member(household, "<b>x</b>@home.example", "1.00")
    page = shop(household.owner).get(URL).content.decode()
    assert "<b>x</b>@home.example" not in page
    assert "&lt;b&gt;x&lt;/b&gt;@home.example" in page
