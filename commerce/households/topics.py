"""Outbox topics of households (handled in ``households.handlers``)."""

INVITATION_SEND = "households.invitation_send"
