"""Outbox topics of the dealer network (handled in ``commerce.dealers.handlers``)."""

OFFER_EMAIL = "dealers.offer_email"
