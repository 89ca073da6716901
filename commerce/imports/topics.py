"""Outbox topics of import jobs (handled in ``imports.handlers``)."""

VALIDATE = "imports.validate"
APPLY = "imports.apply"
