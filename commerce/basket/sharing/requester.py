"""The requester's steps: share the basket with a payer, cancel the share."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from commerce.basket.sharing.state import (
    Basket,
    BasketShare,
    LinkInvalid,
    ShareError,
    Status,
    _close,
    _notify,
    _open_locked,
    _strategy,
)
from commerce.checkout.placement import basket_problems

# --- the requester -------------------------------------------------------------------------


@transaction.atomic
def basket_share(*, basket, requester, payer_email: str, message: str = "") -> BasketShare:
    """Freeze ``basket`` and email a link to ``payer_email`` asking them to pay."""
    if requester is None or not requester.is_authenticated:
        raise ShareError("Sign in to ask someone to pay for your basket.")
    payer_email = (payer_email or "").strip()
    try:
        validate_email(payer_email)
    except ValidationError:
        raise ShareError("Enter the payer's email address.") from None
    if payer_email.lower() == requester.email.lower():
        raise ShareError("That is your own address; to pay yourself, go to checkout.")
    if basket.pk is None:
        raise ShareError("Your basket is empty.")
    locked = Basket._default_manager.select_for_update().get(pk=basket.pk)
    if locked.owner_id != requester.pk or locked.site_id != settings.STOREFRONT_SITE_ID:
        raise ShareError("Only your own storefront basket can be shared.")
    if locked.status != Basket.OPEN:
        raise ShareError("This basket is already shared or ordered.")
    locked.strategy = _strategy(requester)
    if locked.is_empty:
        raise ShareError("Your basket is empty.")
    problems = basket_problems(locked)
    if problems:
        raise ShareError(" ".join(problems))
    locked.freeze()
    share = BasketShare.objects.create(
        basket=locked,
        requester=requester,
        payer_email=payer_email,
        message=message.strip()[:500],
        nonce=secrets.token_hex(16),
        expires_at=timezone.now() + timedelta(days=settings.BASKET_SHARE_DAYS),
    )
    _notify(share, "basket_share_requested")
    return share


@transaction.atomic
def share_cancel(*, share: BasketShare, requester) -> BasketShare:
    if share.requester_id != requester.pk:
        raise LinkInvalid("No such shared basket.")
    locked = _open_locked(share)
    _close(locked, Status.CANCELLED)
    return locked
