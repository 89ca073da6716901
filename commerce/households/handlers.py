"""Household side effects from the outbox: invitation emails."""

from __future__ import annotations

from commerce.core.emails import send_templated_email
from commerce.households import topics
from commerce.households.models import HouseholdInvitation
from commerce.households.services import invitation_url
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once


def send_invitation(invitation_id: int) -> int:
    invitation = (
        HouseholdInvitation.objects.select_related("household", "household__owner")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return 0
    return send_templated_email(
        to=[invitation.email],
        template="household_invitation",
        context={
            "invitation": invitation,
            "household": invitation.household,
            "url": invitation_url(invitation),
        },
    )


@register(topics.INVITATION_SEND)
def _send(message) -> None:
    effect_once(message, lambda: send_invitation(message.payload["invitation"]))
