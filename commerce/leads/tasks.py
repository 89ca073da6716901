"""Scheduled lead work: lapse lead offers, flag stale leads, send surveys for
dealer-delivered orders, recompute the dealer ratings."""

from celery import shared_task

from commerce.leads import bonuses, ratings, services


@shared_task
def lapse_lead_offers() -> int:
    return services.lead_offers_lapse_due()


@shared_task
def flag_stale_leads() -> int:
    return services.leads_flag_stale()


@shared_task
def send_order_surveys() -> int:
    return services.surveys_for_delivered_orders()


@shared_task
def recompute_dealer_ratings() -> int:
    return ratings.ratings_recompute()


@shared_task
def post_partner_bonuses() -> int:
    """Daily; posts last month's bonuses once (later runs find them done)."""
    return bonuses.bonuses_post_month()
