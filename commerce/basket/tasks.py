"""Emails of shared baskets and their hourly expiry."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from oscar.core.loading import get_model

from commerce import sites
from commerce.core.emails import send_templated_email

BasketShare = get_model("basket", "BasketShare")

RETRY = {"autoretry_for": (ConnectionError, TimeoutError), "retry_backoff": True, "max_retries": 5}

# Who each email goes to: the payer, or the person who shared the basket.
TO_PAYER = {"basket_share_requested", "basket_share_receipt"}


@shared_task(**RETRY)
def send_share_email(share_id: int, template: str) -> int:
    from commerce.basket.sharing import share_url

    share = BasketShare.objects.select_related("requester", "order", "payer").get(pk=share_id)
    to = share.payer_email if template in TO_PAYER else share.requester.email
    context = {
        "share": share,
        "requester": share.requester.get_full_name() or share.requester.email,
        "url": share_url(share) if share.is_open else "",
        "shares_url": sites.site_url(sites.STOREFRONT, "storefront:share-list"),
    }
    return send_templated_email(to=[to], template=template, context=context)


@shared_task(**RETRY)
def send_share_code(share_id: int, code: str) -> int:
    share = BasketShare.objects.select_related("requester").get(pk=share_id)
    return send_templated_email(
        to=[share.payer_email],
        template="basket_share_code",
        context={"share": share, "code": code},
    )


@shared_task
def expire_basket_shares() -> int:
    """Hourly: shares nobody paid in time give the basket back to its owner."""
    from commerce.basket.sharing import share_expire

    due = BasketShare.objects.filter(status=BasketShare.Status.OPEN, expires_at__lte=timezone.now())
    return sum(share_expire(share=share) for share in due)
