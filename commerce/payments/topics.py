"""Outbox topics of card payments (handled in ``payments.handlers``)."""

CAPTURE_AUTHORIZATION = "payments.capture_authorization"
VOID_AUTHORIZATION = "payments.void_authorization"
REFUND_ORDER = "payments.refund_order"
REFUND_AUTHORIZATION = "payments.refund_authorization"
