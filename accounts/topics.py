"""Outbox topics of account emails (handled in ``accounts.handlers``)."""

COMPANY_REGISTERED = "accounts.company_registered"
COMPANY_STATUS = "accounts.company_status"
INVITATION = "accounts.invitation"
SIGNUP_ATTEMPT = "accounts.signup_attempt"
LOYALTY_TIER_CHANGED = "accounts.loyalty_tier_changed"
