"""Invitations: a company admin invites by email; the invitee accepts a signed,
expiring, single-use link, with a new account or the one they already have."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone

from accounts import policy, topics
from accounts.exceptions import (
    AlreadyMember,
    InvitationExpired,
    InvitationInvalid,
    InvitationUsed,
    InvitationWrongUser,
)
from accounts.models import Company, CompanyEvent, Invitation, Membership
from accounts.services import lock_company, record_event
from commerce.outbox.services import outbox_emit

_SALT = "accounts.invitation"
Kind = CompanyEvent.Kind


def _lifetime() -> timedelta:
    return timedelta(days=settings.INVITATION_DAYS)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "nonce": invitation.nonce}, salt=_SALT)


def _same_email(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


@transaction.atomic
def invitation_create(*, company: Company, email: str, role: str, actor) -> Invitation:
    """Invite ``email`` to ``company`` as ``role`` and email them the link.

    Inviting an address that already has an open invitation sends a fresh link
    (with the new role) and voids the old one.
    """
    company = lock_company(company)
    policy.require_for_company(actor, company, policy.Action.MANAGE_MEMBERS)
    email = get_user_model().objects.normalize_email(email.strip())
    role = Membership.Role(role)
    if Membership.objects.filter(
        company=company, user__email__iexact=email, is_active=True
    ).exists():
        raise AlreadyMember(f"{email} is already a member of {company.name}.")
    invitation = (
        Invitation.objects.select_for_update()
        .filter(company=company, email__iexact=email, accepted_at=None, revoked_at=None)
        .first()
    )
    now = timezone.now()
    if invitation is None:
        invitation = Invitation(company=company, email=email)
    invitation.role = role
    invitation.invited_by = actor
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_at = now + _lifetime()
    invitation.save()
    record_event(
        company=company,
        actor=actor,
        kind=Kind.MEMBER_INVITED,
        message=f"Invited {email} as {role.label}",
        data={"invitation": invitation.pk, "role": role},
    )
    outbox_emit(
        topic=topics.INVITATION,
        payload={"invitation": invitation.pk, "nonce": invitation.nonce},
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    company = lock_company(invitation.company)
    policy.require_for_company(actor, company, policy.Action.MANAGE_MEMBERS)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationUsed("This invitation has already been used or revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(
        company=company,
        actor=actor,
        kind=Kind.INVITATION_REVOKED,
        message=f"Revoked the invitation of {invitation.email}",
        data={"invitation": invitation.pk},
    )
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link stands for, or a named error saying why not."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=_lifetime())
    except signing.SignatureExpired as exc:
        raise InvitationExpired("This invitation has expired. Ask for a new one.") from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid("This invitation link is not valid.") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise InvitationInvalid("This invitation link is not valid.")
    invitation = (
        Invitation.objects.select_related("company", "invited_by").filter(pk=payload["id"]).first()
    )
    if invitation is None or invitation.nonce != payload.get("nonce"):
        raise InvitationInvalid("This invitation link is no longer valid.")
    _check_open(invitation)
    return invitation


def _check_open(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise InvitationUsed("This invitation has already been used.")
    if invitation.revoked_at is not None:
        raise InvitationInvalid("This invitation was withdrawn.")
    if invitation.is_expired():
        raise InvitationExpired("This invitation has expired. Ask for a new one.")
    if invitation.company.status == Company.Status.CLOSED:
        raise InvitationInvalid("This company account is closed.")


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user=None,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """Join the company: as the signed-in ``user`` (whose email must match) or
    as a new account created with ``password``. Works once."""
    invitation = invitation_from_token(token)
    company = lock_company(invitation.company)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.company = company
    _check_open(invitation)  # again, under the lock: a link works exactly once

    User = get_user_model()
    if user is not None and user.is_authenticated:
        if not _same_email(user.email, invitation.email):
            raise InvitationWrongUser(
                f"This invitation is for {invitation.email}; you are signed in as "
                f"{user.email}. Sign out and open the link again."
            )
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationWrongUser(
                f"{invitation.email} already has an account: sign in to accept."
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name
        )

    policy.require_may_give_company_role(actor=user, user=user)
    membership, created = Membership.objects.get_or_create(
        user=user, company=company, defaults={"role": invitation.role}
    )
    if not created:
        if membership.is_active:
            raise AlreadyMember(f"You are already a member of {company.name}.")
        membership.role, membership.is_active = invitation.role, True
        membership.save(update_fields=["role", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        company=company,
        actor=user,
        kind=Kind.MEMBER_JOINED,
        message=f"{user.email} joined as {membership.get_role_display()}",
        data={"invitation": invitation.pk, "membership": membership.pk},
    )
    return membership
