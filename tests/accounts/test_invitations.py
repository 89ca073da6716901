"""Invitation flow end to end over HTTP: invite, email, accept (new or existing account)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core import signing as django_signing
from django.utils import timezone

from accounts.models import Invitation, Membership
from tests import factories
from tests.helpers import link_in_last_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(committed):
    def invite(client, admin, email="new.buyer@example.com", role="buyer"):
        client.force_login(admin)
        with committed():
            response = client.post("/company/members/", {"email": email, "role": role})
        client.logout()
        return response

    return invite


def accept_link():
    return link_in_last_email(r"https?://\S+/invitations/\S+/")


def test_admin_invites_and_a_newcomer_joins_with_a_new_account(
    portal_client, invite, admin, company
):
    response = invite(portal_client, admin)

    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new.buyer@example.com"]
    link = accept_link()

    page = portal_client.get(link)
    joined = portal_client.post(
        link,
        {
            "first_name": "Nora",
            "last_name": "New",
            "password1": "a-good-long-passphrase",
            "password2": "a-good-long-passphrase",
        },
    )

    assert page.status_code == 200
    assert "Create account and join" in page.content.decode()
    assert joined.status_code == 302
    membership = Membership.objects.get(user__email="new.buyer@example.com")
    assert (membership.company, membership.role, membership.is_active) == (company, "buyer", True)
    assert portal_client.get("/").wsgi_request.company == company
    assert company.events.filter(kind="member_joined").exists()


def test_an_existing_account_signs_in_and_is_attached(portal_client, invite, admin, company):
    existing = factories.UserFactory(email="Existing@Example.com")
    invite(portal_client, admin, email="existing@example.com", role="approver")
    link = accept_link()

    anonymous = portal_client.get(link)
    portal_client.force_login(existing)
    page = portal_client.get(link)
    joined = portal_client.post(link)

    assert "Sign in to accept" in anonymous.content.decode()
    assert "Join Acme Industrial" in page.content.decode()
    assert joined.status_code == 302
    assert Membership.objects.get(user=existing, company=company).role == "approver"


def test_a_link_works_only_once(portal_client, invite, admin):
    invite(portal_client, admin)
    link = accept_link()
    data = {
        "first_name": "A",
        "last_name": "B",
        "password1": "a-good-long-passphrase",
        "password2": "a-good-long-passphrase",
    }
    portal_client.post(link, data)
    portal_client.logout()

    reused = portal_client.get(link)
    reposted = portal_client.post(link, data)

    assert reused.status_code == 410
    assert "already been used" in reused.content.decode()
    assert reposted.status_code == 410
    assert Membership.objects.filter(user__email="new.buyer@example.com").count() == 1


def test_an_expired_invitation_is_refused(portal_client, invite, admin):
    invite(portal_client, admin)
    link = accept_link()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = portal_client.get(link)

    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_link_past_the_signature_age_is_refused_even_if_the_row_says_open(
    portal_client, invite, admin, settings
):
    invite(portal_client, admin)
    link = accept_link()
    later = timezone.now() + timedelta(days=settings.INVITATION_DAYS, minutes=1)

    with mock.patch.object(django_signing.time, "time", return_value=later.timestamp()):
        response = portal_client.get(link)

    assert response.status_code == 410


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "garbage", lambda t: t + "a"]
)
def test_a_tampered_link_is_not_found(portal_client, invite, admin, mangle):
    invite(portal_client, admin)
    token = accept_link().rstrip("/").rsplit("/", 1)[1]

    response = portal_client.get(f"/invitations/{mangle(token)}/")

    assert response.status_code == 404
    assert not Membership.objects.filter(user__email="new.buyer@example.com").exists()


def test_resending_voids_the_old_link(portal_client, invite, admin):
    invite(portal_client, admin)
    old = accept_link()
    invite(portal_client, admin, role="viewer")
    new = accept_link()

    assert old != new
    assert portal_client.get(old).status_code == 404
    assert portal_client.get(new).status_code == 200
    assert Invitation.objects.get().role == "viewer"


def test_a_revoked_invitation_cannot_be_accepted(portal_client, invite, admin):
    invite(portal_client, admin)
    link = accept_link()
    invitation = Invitation.objects.get()
    portal_client.force_login(admin)
    portal_client.post(f"/company/invitations/{invitation.pk}/revoke/")
    portal_client.logout()

    assert portal_client.get(link).status_code == 404


def test_someone_else_signed_in_cannot_use_the_link(portal_client, invite, admin):
    invite(portal_client, admin)
    link = accept_link()
    intruder = factories.UserFactory()
    portal_client.force_login(intruder)

    page = portal_client.get(link)
    attempt = portal_client.post(link)

    assert "Sign out, then open the link again" in page.content.decode()
    assert attempt.status_code == 302
    assert not Membership.objects.filter(user=intruder).exists()
    assert Invitation.objects.get().accepted_at is None


def test_inviting_an_existing_member_is_refused_with_a_message(
    portal_client, invite, admin, members
):
    buyer_email = members["buyer"].user.email
    portal_client.force_login(admin)

    response = portal_client.post("/company/members/", {"email": buyer_email, "role": "admin"})

    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "data", [{"email": "not-an-email", "role": "buyer"}, {"email": "x@example.com", "role": "boss"}]
)
def test_bad_invitation_input_is_refused_and_nothing_is_sent(portal_client, invite, admin, data):
    portal_client.force_login(admin)

    response = portal_client.post("/company/members/", data)

    assert response.status_code == 200
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_weak_password_is_refused_and_nothing_is_created(portal_client, invite, admin):
    invite(portal_client, admin)
    link = accept_link()

    response = portal_client.post(
        link, {"first_name": "A", "last_name": "B", "password1": "123", "password2": "123"}
    )

    assert response.status_code == 200
    assert not Membership.objects.filter(user__email="new.buyer@example.com").exists()
    assert Invitation.objects.get().accepted_at is None
