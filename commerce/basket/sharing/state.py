"""What every step of a basket share uses: the share's states and errors,
locking an open share, closing or expiring it, the requester's prices and
the emails."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from commerce import sites
from commerce.basket import topics
from commerce.order.exceptions import CheckoutError
from commerce.outbox.services import outbox_emit
from pricing.strategy import Selector

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
BasketShare = get_model("basket", "BasketShare")
Line = get_model("basket", "Line")
Status = BasketShare.Status

SALT = "commerce.basket.share"
SESSION_KEY = "basket_shares"
CODE_TTL = timedelta(minutes=30)
CODE_RESEND_AFTER = timedelta(seconds=60)
MAX_CODES = 5
MAX_CODE_ATTEMPTS = 5
MAX_QUANTITY = 999


class ShareError(CheckoutError):
    code = "share_error"
    status = 400


class LinkInvalid(ShareError):
    code = "share_link_invalid"
    status = 404


class LinkUsed(ShareError):
    """Paid, declined, cancelled or expired: the link is spent."""

    code = "share_link_used"
    status = 410


class NotThePayer(ShareError):
    code = "not_the_payer"
    status = 403


class CodeRefused(ShareError):
    code = "share_code_refused"


def _closed_message(share: BasketShare) -> str:
    return {
        Status.PAID: "This basket has been paid for; the link cannot be used again.",
        Status.DECLINED: "The payer declined this basket; the link cannot be used again.",
        Status.CANCELLED: "This basket is no longer shared.",
        Status.EXPIRED: "This link has expired. Ask for a new one.",
    }[share.status]


def _open_locked(share: BasketShare) -> BasketShare:
    locked = (
        BasketShare.objects.select_for_update(of=("self",))
        .select_related("basket", "requester")
        .get(pk=share.pk)
    )
    _check_open(locked)
    return locked


def _check_open(share: BasketShare) -> None:
    if share.is_open and share.expires_at <= timezone.now():
        raise LinkUsed("This link has expired. Ask for a new one.")
    if not share.is_open:
        raise LinkUsed(_closed_message(share))


@transaction.atomic
def share_expire(*, share: BasketShare) -> bool:
    locked = BasketShare.objects.select_for_update().get(pk=share.pk)
    if not locked.is_open or locked.expires_at > timezone.now():
        return False
    _close(locked, Status.EXPIRED)
    _notify(locked, "basket_share_closed")
    return True


def _close(share: BasketShare, status: str) -> None:
    """End an unpaid share: the basket goes back to its owner."""
    share.status = status
    share.closed_at = timezone.now()
    share.save(update_fields=["status", "closed_at"])
    _return_basket(share.basket)


def _return_basket(basket) -> None:
    basket = Basket._default_manager.select_for_update().get(pk=basket.pk)
    if basket.status != Basket.FROZEN:
        return
    current = (
        Basket.open.filter(owner_id=basket.owner_id, site_id=basket.site_id, company=None)
        .order_by("pk")
        .first()
    )
    if current is None:
        basket.thaw()
    else:
        current.merge(basket)


# --- the payer -----------------------------------------------------------------------------


def _strategy(requester):
    """The requester's prices: the order is theirs, whoever pays."""
    return Selector().strategy(channel=sites.STOREFRONT, user=requester)


def priced_basket(share: BasketShare):
    basket = share.basket
    basket.strategy = _strategy(share.requester)
    basket._lines = None
    return basket


def _notify(share: BasketShare, template: str) -> None:
    outbox_emit(topic=topics.SHARE_EMAIL, payload={"share": share.pk, "template": template})
