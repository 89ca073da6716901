"""Share the basket, someone else pays (storefront).

A signed-in consumer shares their basket with a payer's email address: the
basket is frozen (they shop on with a new one) and the payer is emailed a
signed link that expires. The payer proves who they are once, by signing in
with that address or with a code emailed to it; from then on the link works
only for them (their account, or the browser session that confirmed the
code). The payer may change quantities or remove lines, then pays by card;
the order belongs to the requester and records the payer. A share is paid,
declined, cancelled or expired exactly once; the basket goes back to its
owner unless it was paid.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from oscar.core.loading import get_model

from commerce import sites
from commerce.basket import topics
from commerce.checkout.placement import Placement, basket_problems, order_place
from commerce.checkout.request import payer_request
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


# --- links and binding ---------------------------------------------------------------------


def share_token(share: BasketShare) -> str:
    return signing.dumps({"s": share.pk, "n": share.nonce}, salt=SALT, compress=True)


def share_url(share: BasketShare) -> str:
    return sites.site_url(sites.STOREFRONT, "storefront:share-pay", token=share_token(share))


def _max_age() -> int:
    return int(timedelta(days=settings.BASKET_SHARE_DAYS).total_seconds())


def share_from_token(token: str) -> BasketShare:
    """The share a link names; ``LinkInvalid`` if it was tampered with or is
    older than any share can be."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_max_age())
        share = BasketShare.objects.select_related("basket", "requester", "order").get(
            pk=int(data["s"])
        )
    except (signing.BadSignature, BasketShare.DoesNotExist, KeyError, TypeError, ValueError):
        raise LinkInvalid("This link is not valid. Ask for a new one.") from None
    if not constant_time_compare(share.nonce, str(data.get("n", ""))):
        raise LinkInvalid("This link is not valid. Ask for a new one.")
    return share


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _code_digest(share: BasketShare, code: str) -> str:
    return salted_hmac(f"{SALT}.code.{share.pk}", code).hexdigest()


def _same_email(user, email: str) -> bool:
    return bool(user and user.is_authenticated and user.email.lower() == email.lower())


@dataclass(frozen=True)
class Access:
    """What the visitor of a share link may do."""

    share: BasketShare
    allowed: bool  # may see, change and pay
    reason: str = ""  # why not, when not allowed


def share_access(share: BasketShare, *, user, session) -> Access:
    """Whether this visitor is the share's payer. Signs the payer in to the
    share when they are signed in with the payer's address (first visit)."""
    if share.is_open and share.expires_at <= timezone.now():
        share_expire(share=share)
        share.refresh_from_db()
    if not share.is_open:
        raise LinkUsed(_closed_message(share))
    if share.is_bound:
        if is_payer(share, user=user, session=session):
            return Access(share, True)
        raise NotThePayer("This basket was shared with someone else.")
    if user is not None and user.is_authenticated:
        if user.pk == share.requester_id:
            raise NotThePayer("This is your own basket; the person you shared it with pays it.")
        if not _same_email(user, share.payer_email):
            raise NotThePayer(
                "This basket was shared with another email address. "
                "Sign out, then open the link again."
            )
        _bind(share, user=user, session=session)
        return Access(share, True)
    return Access(share, False, "confirm")


def is_payer(share: BasketShare, *, user, session) -> bool:
    """Whether this visitor is the payer the share was bound to."""
    if not share.is_bound:
        return False
    if share.payer_id and user is not None and user.pk == share.payer_id:
        return True
    secret = (session.get(SESSION_KEY) or {}).get(str(share.pk))
    return bool(
        secret and share.binding_hash and constant_time_compare(_digest(secret), share.binding_hash)
    )


def _bind(share: BasketShare, *, user, session) -> None:
    with transaction.atomic():
        locked = BasketShare.objects.select_for_update().get(pk=share.pk)
        if locked.is_bound:
            raise NotThePayer("This basket was shared with someone else.")
        secret = secrets.token_urlsafe(32)
        locked.binding_hash = _digest(secret)
        locked.confirmed_at = timezone.now()
        locked.payer = user
        locked.code_hash = ""
        locked.save(update_fields=["binding_hash", "confirmed_at", "payer", "code_hash"])
    bound = dict(session.get(SESSION_KEY) or {})
    bound[str(share.pk)] = secret
    session[SESSION_KEY] = bound
    share.binding_hash, share.confirmed_at, share.payer = (
        locked.binding_hash,
        locked.confirmed_at,
        user,
    )


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


@transaction.atomic
def share_send_code(*, share: BasketShare) -> None:
    """Email a one-time code to the payer's address (to confirm it without an account)."""
    locked = _open_locked(share)
    if locked.is_bound:
        raise NotThePayer("This basket was shared with someone else.")
    now = timezone.now()
    if locked.code_sent_at and now - locked.code_sent_at < CODE_RESEND_AFTER:
        raise CodeRefused("We just sent a code; wait a minute before asking for another.")
    if locked.codes_sent >= MAX_CODES:
        raise CodeRefused("Too many codes were sent for this link. Ask for a new link.")
    code = f"{secrets.randbelow(10**6):06d}"
    locked.code_hash = _code_digest(locked, code)
    locked.code_sent_at = now
    locked.codes_sent += 1
    locked.code_attempts = 0
    locked.save(update_fields=["code_hash", "code_sent_at", "codes_sent", "code_attempts"])
    outbox_emit(topic=topics.SHARE_CODE, payload={"share": locked.pk, "code": code})


def share_confirm_code(*, share: BasketShare, code: str, session) -> None:
    """The payer typed the emailed code: this browser session becomes the payer's."""
    with transaction.atomic():
        locked = _open_locked(share)
        if locked.is_bound:
            raise NotThePayer("This basket was shared with someone else.")
        if not locked.code_hash or timezone.now() - locked.code_sent_at > CODE_TTL:
            raise CodeRefused("Ask for a code first; codes last 30 minutes.")
        if locked.code_attempts >= MAX_CODE_ATTEMPTS:
            raise CodeRefused("Too many wrong codes. Ask for a new code.")
        if not constant_time_compare(_code_digest(locked, code.strip()), locked.code_hash):
            locked.code_attempts += 1
            locked.save(update_fields=["code_attempts"])
            wrong = True
        else:
            wrong = False
    if wrong:  # the attempt is counted (committed) before refusing
        raise CodeRefused("That code is not right.")
    _bind(share, user=None, session=session)


@transaction.atomic
def share_update_lines(*, share: BasketShare, quantities: dict[int, int]) -> list[dict]:
    """The payer's changes: new quantities per line id (0 removes the line).
    All or nothing: any invalid quantity refuses every change."""
    locked = _open_locked(share)
    basket = Basket._default_manager.select_for_update().get(pk=locked.basket_id)
    basket.strategy = _strategy(locked.requester)
    lines = {line.pk: line for line in basket.all_lines()}
    problems, changes = [], []
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise ShareError("That line is not in this basket.")
        if not isinstance(quantity, int) or quantity < 0 or quantity > MAX_QUANTITY:
            problems.append(
                f"{line.product.get_title()}: enter a quantity from 0 to {MAX_QUANTITY}."
            )
            continue
        if quantity == line.quantity:
            continue
        if quantity:
            permitted, reason = line.purchase_info.availability.is_purchase_permitted(quantity)
            if not permitted:
                problems.append(f"{line.product.get_title()}: {reason}.")
                continue
        changes.append((line, quantity))
    if problems:
        raise ShareError(" ".join(problems))
    if not changes:
        return []
    made = []
    for line, quantity in changes:
        made.append({"product": line.product.get_title(), "from": line.quantity, "to": quantity})
        # Oscar's Line.save refuses frozen baskets; this service owns the shared one.
        rows = Line.objects.filter(pk=line.pk)
        if quantity:
            rows.update(quantity=quantity, date_updated=timezone.now())
        else:
            rows.delete()
    locked.changes = [*locked.changes, *made]
    locked.save(update_fields=["changes"])
    return made


@transaction.atomic
def share_decline(*, share: BasketShare) -> BasketShare:
    locked = _open_locked(share)
    _close(locked, Status.DECLINED)
    _notify(locked, "basket_share_closed")
    return locked


def share_pay(
    *,
    share: BasketShare,
    shipping_address: dict,
    shipping_method_code: str,
    card_token: str,
    expected_total: Decimal | None,
):
    """Place the shared basket as the requester's order, paid by card by the
    payer. Once only: a second submission returns the same order.

    The card is authorized by the pipeline outside any transaction; the share
    row is locked (step 1 of the lock order) inside the pipeline's own
    transaction, before the basket."""
    current = BasketShare.objects.select_related("basket", "requester", "payer").get(pk=share.pk)
    if current.status == Status.PAID:
        return current.order
    _check_open(current)

    def paid(place):
        locked = BasketShare.objects.select_for_update(of=("self",)).get(pk=share.pk)
        if locked.status == Status.PAID:
            return Placement(locked.order, replayed=True)
        locked = _open_locked(share)
        placement = place()
        locked.status = Status.PAID
        locked.order = placement.order
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "order", "closed_at"])
        _notify(locked, "basket_share_paid")
        _notify(locked, "basket_share_receipt")
        return placement

    placement = order_place(
        basket=current.basket,
        request=payer_request(
            share=current,
            shipping_address=shipping_address,
            shipping_method_code=shipping_method_code,
            card_token=card_token,
            expected_total=expected_total,
        ),
        around=paid,
    )
    return placement.order


def _notify(share: BasketShare, template: str) -> None:
    outbox_emit(topic=topics.SHARE_EMAIL, payload={"share": share.pk, "template": template})
