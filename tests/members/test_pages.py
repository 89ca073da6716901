"""The join page of an invitation link and the waitlist form."""

import pytest
from django.conf import settings
from django.test import Client

from commerce.members import services
from commerce.members.models import SegmentMember, WaitlistRequest
from tests import factories

pytestmark = pytest.mark.django_db


def shop(user=None) -> Client:
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    if user is not None:
        client.force_login(user)
    return client


def test_the_emailed_link_joins_a_signed_in_consumer(segment, consumer):
    invitation = services.invitation_create(segment=segment, actor=factories.StaffFactory())
    path = services.invitation_url(invitation).split("://", 1)[1].split("/", 1)[1]
    url = f"/{path}"

    assert "Gold members" in shop().get(url).content.decode()
    assert shop().post(url).status_code == 302  # to sign in
    assert not SegmentMember.objects.exists()
    assert shop(consumer).post(url).status_code == 302
    assert SegmentMember.objects.get().user == consumer


def test_a_tampered_link_shows_an_error(segment, consumer):
    response = shop(consumer).post("/members/join/not-a-token/")
    assert response.status_code == 400
    assert not SegmentMember.objects.exists()


def test_the_waitlist_form(segment):
    assert shop().post("/members/waitlist/", {"email": "bad"}).status_code == 400
    response = shop().post("/members/waitlist/", {"email": "hopeful@example.com", "note": "hi"})
    assert response.status_code == 200
    assert WaitlistRequest.objects.get().segment == segment
