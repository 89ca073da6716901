"""The link and the payer proving who they are: the signed token, access
(the payer's account or the browser session that confirmed an emailed code)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from commerce import sites
from commerce.basket import topics
from commerce.basket.sharing.state import (
    CODE_RESEND_AFTER,
    CODE_TTL,
    MAX_CODE_ATTEMPTS,
    MAX_CODES,
    SALT,
    SESSION_KEY,
    BasketShare,
    CodeRefused,
    LinkInvalid,
    LinkUsed,
    NotThePayer,
    _closed_message,
    _open_locked,
    share_expire,
)
from commerce.outbox.services import outbox_emit

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
