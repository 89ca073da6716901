"""Outbox topics of shopping lists (handled in ``lists.handlers``)."""

REPLENISH = "lists.replenish"
