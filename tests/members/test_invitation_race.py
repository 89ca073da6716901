"""Two accounts racing for the last use of an invitation: exactly one joins."""

import pytest

from commerce.members import services
from commerce.members.exceptions import InvitationUsedUp
from commerce.members.models import SegmentInvitation, SegmentMember
from tests import factories
from tests.helpers import at_once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_last_use_goes_to_one_account(segment):
    invitation = services.invitation_create(segment=segment, actor=factories.StaffFactory())
    token = services.invitation_token(invitation)
    first, second = factories.UserFactory(), factories.UserFactory()

    outcomes = at_once(
        lambda: services.invitation_accept(token=token, user=first),
        lambda: services.invitation_accept(token=token, user=second),
        expected=(InvitationUsedUp,),
        what="accepting",
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["InvitationUsedUp", "SegmentMember"]
    assert SegmentMember.objects.count() == 1
    assert SegmentInvitation.objects.get().uses == 1
