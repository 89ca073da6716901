"""Outbox topics of the members' shop (handled in ``members.handlers``)."""

INVITATION_SEND = "members.invitation_send"
