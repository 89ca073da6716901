"""Household invitations: a signed link, once, before it expires, for the
addressed account, into one household at most."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commerce.households import services
from commerce.households.exceptions import (
    AlreadyInHousehold,
    InvitationExpired,
    InvitationInvalid,
    InvitationUsed,
    InvitationWrongAccount,
    NotHouseholdOwner,
)
from commerce.households.models import HouseholdInvitation, HouseholdMember
from tests import factories
from tests.households.conftest import add_member, shop

pytestmark = pytest.mark.django_db


def invite(household, email="kid@home.example", budget="50.00"):
    return services.invitation_create(
        household=household, actor=household.owner, email=email, monthly_budget=budget
    )


def test_the_invitation_is_emailed_and_its_link_joins_the_invited_consumer(household, committed):
    user = factories.UserFactory(email="kid@home.example")
    with committed():
        invite(household)
    message = mail.outbox[-1]
    assert message.to == ["kid@home.example"]
    path = "/" + message.body.split("://", 1)[1].split("/", 1)[1].split()[0]
    assert "The Smiths" in shop().get(path).content.decode()
    assert shop().post(path).status_code == 302  # sign in first
    assert not HouseholdMember.objects.exists()

    assert shop(user).post(path).status_code == 302
    member = HouseholdMember.objects.get()
    assert (member.user, member.household, str(member.monthly_budget)) == (
        user,
        household,
        "50.00",
    )


def test_a_link_forwarded_to_another_account_is_refused(household):
    invitation = invite(household)
    stranger = factories.UserFactory(email="stranger@else.example")
    with pytest.raises(InvitationWrongAccount):
        services.invitation_accept(token=services.invitation_token(invitation), user=stranger)
    response = shop(stranger).post(f"/household/join/{services.invitation_token(invitation)}/")
    assert response.status_code == 403
    assert not HouseholdMember.objects.exists()


def test_a_link_works_once(household):
    user = factories.UserFactory(email="kid@home.example")
    token = services.invitation_token(invite(household))
    services.invitation_accept(token=token, user=user)
    with pytest.raises(InvitationUsed):
        services.invitation_accept(token=token, user=user)
    assert HouseholdMember.objects.count() == 1


def test_an_expired_withdrawn_or_tampered_link_is_refused(household):
    user = factories.UserFactory(email="kid@home.example")
    expired = invite(household)
    HouseholdInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(InvitationExpired):
        services.invitation_accept(token=services.invitation_token(expired), user=user)
    withdrawn = invite(household)
    services.invitation_revoke(invitation=withdrawn, actor=household.owner)
    with pytest.raises(InvitationInvalid):
        services.invitation_accept(token=services.invitation_token(withdrawn), user=user)
    token = services.invitation_token(invite(household))
    for bad in (token[:-2] + "xx", "", "<script>", "a" * 400):
        with pytest.raises(InvitationInvalid):
            services.invitation_accept(token=bad, user=user)
    assert shop(user).get("/household/join/not-a-token/").status_code == 400
    assert not HouseholdMember.objects.exists()


def test_a_consumer_already_in_a_household_cannot_join_another(household, member):
    other = services.household_create(owner=factories.UserFactory(), name="Next door")
    invitation = services.invitation_create(
        household=other, actor=other.owner, email=member.user.email, monthly_budget="5.00"
    )
    with pytest.raises(AlreadyInHousehold):
        services.invitation_accept(token=services.invitation_token(invitation), user=member.user)
    owners_invitation = services.invitation_create(
        household=other, actor=other.owner, email=household.owner.email, monthly_budget="5.00"
    )
    with pytest.raises(AlreadyInHousehold):
        services.invitation_accept(
            token=services.invitation_token(owners_invitation), user=household.owner
        )
    with pytest.raises(AlreadyInHousehold):
        services.household_create(owner=member.user, name="Mine")


def test_a_member_who_left_may_join_another_household(household, member):
    services.member_remove(member=member, actor=member.user)
    other = services.household_create(owner=factories.UserFactory(), name="Next door")
    invitation = services.invitation_create(
        household=other, actor=other.owner, email=member.user.email, monthly_budget="5.00"
    )
    joined = services.invitation_accept(
        token=services.invitation_token(invitation), user=member.user
    )
    assert joined.household == other


def test_only_the_owner_invites_and_removes(household, member):
    with pytest.raises(NotHouseholdOwner):
        services.invitation_create(
            household=household, actor=member.user, email="x@y.example", monthly_budget="1"
        )
    second = add_member(household, "second@home.example", "10.00")
    with pytest.raises(NotHouseholdOwner):
        services.member_remove(member=second, actor=member.user)
    services.member_remove(member=second, actor=household.owner)
    second.refresh_from_db()
    assert not second.is_active and second.left_at is not None
