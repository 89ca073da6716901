"""Invitation links into a segment: POST /api/invitations/accept/ {"token"}."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commerce.members import services
from commerce.members.models import SegmentInvitation, SegmentMember, WaitlistRequest
from tests import factories
from tests.api.conftest import storefront_api
from tests.members.conftest import make_drop

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return factories.StaffFactory()


def accept(user, token):
    return storefront_api(user).post("/api/invitations/accept/", {"token": token}, format="json")


def test_accepting_joins_the_segment_and_shows_the_drop(segment, consumer, staff):
    dropped = factories.ProductFactory()
    make_drop(segment, products=[dropped])
    token = services.invitation_token(services.invitation_create(segment=segment, actor=staff))
    assert storefront_api(consumer).get(f"/api/products/{dropped.pk}/").status_code == 404

    response = accept(consumer, token)

    assert response.status_code == 200
    assert response.json()["segment"] == "gold-members"
    assert SegmentMember.objects.filter(segment=segment, user=consumer).exists()
    assert storefront_api(consumer).get(f"/api/products/{dropped.pk}/").status_code == 200


def test_an_expired_invitation_is_refused(segment, consumer, staff):
    invitation = services.invitation_create(segment=segment, actor=staff)
    SegmentInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = accept(consumer, services.invitation_token(invitation))
    assert (response.status_code, response.json()["code"]) == (400, "invitation_expired")
    assert not SegmentMember.objects.exists()


def test_a_used_up_invitation_is_refused_and_a_forwarded_link_fails(segment, consumer, staff):
    token = services.invitation_token(services.invitation_create(segment=segment, actor=staff))
    friend = factories.UserFactory()

    assert accept(consumer, token).status_code == 200
    again = accept(consumer, token)  # the same account again: harmless
    forwarded = accept(friend, token)

    assert again.status_code == 200
    assert (forwarded.status_code, forwarded.json()["code"]) == (400, "invitation_used_up")
    assert list(SegmentMember.objects.values_list("user", flat=True)) == [consumer.pk]
    assert SegmentInvitation.objects.get().uses == 1


def test_a_multi_use_link_admits_that_many_accounts(segment, staff):
    invitation = services.invitation_create(segment=segment, actor=staff, max_uses=2)
    token = services.invitation_token(invitation)
    results = [accept(factories.UserFactory(), token).status_code for _ in range(3)]
    assert results == [200, 200, 400]


def test_an_addressed_invitation_only_works_for_that_address(segment, consumer, staff):
    token = services.invitation_token(
        services.invitation_create(segment=segment, actor=staff, email="friend@example.com")
    )
    response = accept(consumer, token)
    assert (response.status_code, response.json()["code"]) == (403, "invitation_wrong_account")
    assert accept(factories.UserFactory(email="friend@example.com"), token).status_code == 200


@pytest.mark.parametrize("token", ["", "nonsense", "eyJpZCI6MX0:tampered:sig"])
def test_a_tampered_token_is_refused(segment, consumer, staff, token):
    genuine = services.invitation_token(services.invitation_create(segment=segment, actor=staff))
    response = accept(consumer, token or genuine[:-2] + "xx")
    assert response.status_code == 400
    assert not SegmentMember.objects.exists()


def test_accepting_needs_a_signed_in_consumer(segment, staff):
    token = services.invitation_token(services.invitation_create(segment=segment, actor=staff))
    response = storefront_api().post("/api/invitations/accept/", {"token": token}, format="json")
    assert response.status_code == 401


def test_members_invite_friends_and_the_referral_is_recorded(segment, gold, consumer, committed):
    with committed():
        response = storefront_api(gold).post(
            "/api/invitations/", {"segment": "gold-members", "email": consumer.email}, format="json"
        )
    assert response.status_code == 201
    assert mail.outbox[-1].to == [consumer.email]
    token = response.json()["url"].rstrip("/").rsplit("/", 1)[-1]

    assert accept(consumer, token).status_code == 200
    member = SegmentMember.objects.get(user=consumer)
    assert (member.source, member.referred_by) == ("referral", gold)


def test_non_members_cannot_invite(segment, consumer):
    response = storefront_api(consumer).post(
        "/api/invitations/", {"segment": "gold-members"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "inviting_not_allowed")


def test_waitlist_request(segment):
    response = storefront_api().post(
        "/api/waitlist/", {"email": "hopeful@example.com", "segment": "gold-members"}, format="json"
    )
    assert response.status_code == 201
    assert WaitlistRequest.objects.get().segment == segment
    bad = storefront_api().post("/api/waitlist/", {"email": "nope"}, format="json")
    assert bad.status_code == 400
