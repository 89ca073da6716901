"""Members' shop side effects from the outbox: invitation emails."""

from __future__ import annotations

from commerce.core.emails import send_templated_email
from commerce.members import topics
from commerce.members.models import SegmentInvitation
from commerce.members.services import invitation_url
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once


def send_invitation(invitation_id: int) -> None:
    invitation = (
        SegmentInvitation.objects.select_related("segment", "referrer")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.email or invitation.revoked_at is not None:
        return
    send_templated_email(
        to=[invitation.email],
        template="members_invitation",
        context={
            "invitation": invitation,
            "segment": invitation.segment,
            "referrer": invitation.referrer,
            "url": invitation_url(invitation),
        },
    )


@register(topics.INVITATION_SEND)
def _send(message) -> None:
    effect_once(message, lambda: send_invitation(message.payload["invitation_id"]))
