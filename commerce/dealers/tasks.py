"""Scheduled dealer work: offers past their deadline lapse and re-route."""

from celery import shared_task

from commerce.dealers.services import dealer_offers_lapse_due


@shared_task
def lapse_dealer_offers() -> int:
    return dealer_offers_lapse_due()
