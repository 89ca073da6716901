"""Outbox topics of instalments (handled in ``instalments.handlers``)."""

REMINDER_EMAIL = "instalments.reminder_email"
RECEIPT_EMAIL = "instalments.receipt_email"
