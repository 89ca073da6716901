"""Outbox topics of quotes (handled in ``quotes.handlers``)."""

EMAIL = "quotes.email"
