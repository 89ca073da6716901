"""Outbox topics of shared-basket emails (handled in ``basket.handlers``)."""

SHARE_EMAIL = "basket.share_email"
SHARE_CODE = "basket.share_code"
