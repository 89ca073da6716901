"""The hourly expiry of shared baskets (Celery beat)."""

from celery import shared_task
from django.utils import timezone
from oscar.core.loading import get_model

BasketShare = get_model("basket", "BasketShare")


@shared_task
def expire_basket_shares() -> int:
    """Hourly: shares nobody paid in time give the basket back to its owner."""
    from commerce.basket.sharing import share_expire

    due = BasketShare.objects.filter(status=BasketShare.Status.OPEN, expires_at__lte=timezone.now())
    return sum(share_expire(share=share) for share in due)
