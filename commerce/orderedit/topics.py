"""Outbox topics of order editing (handled in ``orderedit.handlers``)."""

EDITED_EMAIL = "orderedit.edited_email"
