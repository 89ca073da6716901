"""Outbox topics of card payments (handled in ``payments.handlers``)."""

CAPTURE_AUTHORIZATION = "payments.capture_authorization"
REFUND_AUTHORIZATION = "payments.refund_authorization"
