"""Outbox topics of the dealer performance loop (handled in ``commerce.leads.handlers``)."""

LEAD_STATUS_EMAIL = "leads.status_email"
LEAD_OFFER_EMAIL = "leads.offer_email"
SURVEY_EMAIL = "leads.survey_email"
