"""Use cases of the members' shop: invitations (staff, or members inviting
friends), joining through a link, and the waitlist."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from commerce import sites
from commerce.members import selectors, topics
from commerce.members.exceptions import (
    InvitationExpired,
    InvitationInvalid,
    InvitationUsedUp,
    InvitationWrongAccount,
    InvitingNotAllowed,
)
from commerce.members.models import (
    InvitationUse,
    Segment,
    SegmentInvitation,
    SegmentMember,
    WaitlistRequest,
)
from commerce.outbox.services import outbox_emit

_SALT = "members.invitation"
DEFAULT_DAYS = 14


def invitation_token(invitation: SegmentInvitation) -> str:
    """The signed token of a link (tampering with it makes it invalid)."""
    return signing.dumps({"id": invitation.pk, "nonce": invitation.nonce}, salt=_SALT)


def invitation_url(invitation: SegmentInvitation) -> str:
    """The link in the email: the storefront's join page with the token."""
    base = sites.get_site(sites.STOREFRONT).base_url.rstrip("/")
    return f"{base}/members/join/{invitation_token(invitation)}/"


def _emit_send(invitation: SegmentInvitation) -> None:
    if invitation.email:
        outbox_emit(
            topic=topics.INVITATION_SEND,
            payload={"invitation_id": invitation.pk},
            key=f"members-invitation-{invitation.pk}",
        )


@transaction.atomic
def invitation_create(
    *,
    segment: Segment,
    actor,
    email: str = "",
    max_uses: int = 1,
    days: int = DEFAULT_DAYS,
) -> SegmentInvitation:
    """Staff invite into a segment: a link for ``max_uses`` accounts, valid ``days`` days,
    emailed to ``email`` when given."""
    if not segment.by_invitation:
        raise InvitingNotAllowed(f"{segment.name} does not take invitations.")
    if max_uses < 1 or days < 1:
        raise InvitationInvalid("An invitation needs at least one use and one day.")
    invitation = SegmentInvitation.objects.create(
        segment=segment,
        email=(email or "").strip(),
        max_uses=max_uses,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor,
    )
    _emit_send(invitation)
    return invitation


@transaction.atomic
def invitation_refer(*, segment: Segment, member, email: str = "") -> SegmentInvitation:
    """A member invites a friend, if the segment lets members invite (the referral
    is recorded on the invitation and on the friend's membership)."""
    if not (segment.is_active and segment.by_invitation and segment.members_may_invite):
        raise InvitingNotAllowed(f"Members of {segment.name} cannot invite friends.")
    if not selectors.is_member(member, segment):
        raise InvitingNotAllowed(f"Only members of {segment.name} can invite friends.")
    invitation = SegmentInvitation.objects.create(
        segment=segment,
        email=(email or "").strip(),
        max_uses=segment.friend_invitation_uses,
        expires_at=timezone.now() + timedelta(days=DEFAULT_DAYS),
        created_by=member,
        referrer=member,
    )
    _emit_send(invitation)
    return invitation


def invitation_from_token(token: str) -> SegmentInvitation:
    try:
        data = signing.loads(str(token or ""), salt=_SALT)
        invitation = SegmentInvitation.objects.select_related("segment").get(
            pk=int(data["id"]), nonce=str(data["nonce"])
        )
    except (signing.BadSignature, SegmentInvitation.DoesNotExist, KeyError, TypeError, ValueError):
        raise InvitationInvalid("This invitation link is not valid.") from None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> SegmentMember:
    """``user`` joins the invitation's segment. A link works until it expires, for
    as many accounts as it has uses; one sent to an email address works only for
    that address. Accepting again is harmless."""
    invitation = invitation_from_token(token)
    # Lock the invitation: two accounts racing for its last use get one each way.
    invitation = SegmentInvitation.objects.select_for_update().get(pk=invitation.pk)
    segment = Segment.objects.get(pk=invitation.segment_id)
    existing = SegmentMember.objects.filter(segment=segment, user=user).first()
    if existing is not None:
        return existing
    if invitation.revoked_at is not None or not segment.is_active or not segment.by_invitation:
        raise InvitationInvalid("This invitation is no longer valid.")
    if timezone.now() >= invitation.expires_at:
        raise InvitationExpired("This invitation has expired.")
    if InvitationUse.objects.filter(invitation=invitation, user=user).exists():
        raise InvitationUsedUp("This invitation has been used.")
    if invitation.uses >= invitation.max_uses:
        raise InvitationUsedUp("This invitation has been used.")
    if invitation.email and invitation.email.strip().lower() != user.email.strip().lower():
        raise InvitationWrongAccount("This invitation was sent to another email address.")
    SegmentInvitation.objects.filter(pk=invitation.pk).update(uses=F("uses") + 1)
    InvitationUse.objects.create(invitation=invitation, user=user)
    try:
        with transaction.atomic():
            return SegmentMember.objects.create(
                segment=segment,
                user=user,
                source=(
                    SegmentMember.Source.REFERRAL
                    if invitation.referrer_id
                    else SegmentMember.Source.INVITATION
                ),
                invitation=invitation,
                referred_by_id=invitation.referrer_id,
            )
    except IntegrityError:
        return SegmentMember.objects.get(segment=segment, user=user)
    finally:
        user.__dict__.pop("_member_segment_ids", None)


@transaction.atomic
def invitation_revoke(*, invitation: SegmentInvitation) -> None:
    SegmentInvitation.objects.filter(pk=invitation.pk, revoked_at=None).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def member_add(*, segment: Segment, user) -> SegmentMember:
    member, _ = SegmentMember.objects.get_or_create(
        segment=segment, user=user, defaults={"source": SegmentMember.Source.STAFF}
    )
    return member


@transaction.atomic
def waitlist_join(
    *, email: str, segment: Segment | None = None, name: str = "", note: str = "", user=None
) -> WaitlistRequest:
    """Someone not yet invited asks to be let in (once per address and segment)."""
    email = email.strip()
    existing = WaitlistRequest.objects.filter(
        email__iexact=email, segment=segment, invitation=None
    ).first()
    if existing is not None:
        return existing
    return WaitlistRequest.objects.create(
        email=email,
        segment=segment,
        name=name.strip(),
        note=note.strip(),
        user=user if user is not None and user.is_authenticated else None,
    )


@transaction.atomic
def waitlist_invite(*, request: WaitlistRequest, actor) -> SegmentInvitation:
    """Staff let a waitlisted person in: a single-use invitation to their address."""
    segment = request.segment or Segment.objects.filter(is_active=True).first()
    if segment is None:
        raise InvitationInvalid("There is no segment to invite into.")
    invitation = invitation_create(segment=segment, actor=actor, email=request.email)
    WaitlistRequest.objects.filter(pk=request.pk).update(invitation=invitation)
    return invitation
