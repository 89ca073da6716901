"""Outbox topics of billing's side effects (handled in ``billing.handlers``)."""

ISSUE_INVOICE = "billing.issue_invoice"
INVOICE_EMAIL = "billing.invoice_email"
STATEMENT_EMAIL = "billing.statement_email"
CARD_PAYMENT = "billing.card_payment"
