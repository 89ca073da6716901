"""API tokens: issue, look up, rotate, revoke. Only a key's SHA-256 is ever stored.

Personal tokens expire ``API_TOKEN_DAYS`` after they are issued (or rotated);
integration tokens do not expire unless staff rotate or revoke them, and show
when they were last used.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import policy
from commerce.api.models import ApiToken
from commerce.core.errors import DomainError

KEY_PREFIX = "nw_"
PREFIX_LENGTH = 10
# ``last_used_at`` is refreshed at most this often (not one write per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(DomainError):
    code = "validation_error"
    status = 400


class TokenRevoked(TokenError):
    code = "token_revoked"


class TokenExpired(Exception):
    """A known key whose token is past its expiry."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once, never stored


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user, name: str, kind: str = ApiToken.Kind.PERSONAL, actor=None) -> IssuedToken:
    """A new key for ``user``. Integration tokens are created by staff only;
    no token is made while a staff member acts on a member's behalf."""
    policy.require_own_identity("create API tokens")
    name = (name or "").strip()
    if not name:
        raise TokenError("Give the token a name (what will use it).")
    if kind not in ApiToken.Kind.values:
        raise TokenError(f"Unknown token kind '{kind}'.")
    if kind == ApiToken.Kind.INTEGRATION and not (actor is not None and actor.is_staff):
        raise TokenError("Only staff create integration tokens.")
    if not user.is_active:
        raise TokenError("The token's owner account is inactive.")
    return _create(user=user, name=name[:100], kind=kind, created_by=actor or user)


def _expiry_for(kind: str):
    if kind == ApiToken.Kind.PERSONAL:
        return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    return None


def _create(*, user, name: str, kind: str, created_by) -> IssuedToken:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        kind=kind,
        prefix=key[:PREFIX_LENGTH],
        key_hash=hash_key(key),
        created_by=created_by,
        expires_at=_expiry_for(kind),
    )
    return IssuedToken(token=token, key=key)


@transaction.atomic
def token_rotate(*, token: ApiToken, actor) -> IssuedToken:
    """A new key in place of ``token`` (same owner, name and kind, a fresh expiry);
    the old key stops working at once. A revoked token cannot be rotated."""
    policy.require_own_identity("rotate API tokens")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise TokenRevoked("This token was revoked; create a new one instead.")
    if not token.user.is_active:
        raise TokenError("The token's owner account is inactive.")
    issued = _create(user=token.user, name=token.name, kind=token.kind, created_by=actor)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return issued


def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token (its owner, or staff); revoking twice changes nothing."""
    policy.require_own_identity("revoke API tokens")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The active token with this key, its user loaded, or None.

    Raises ``TokenExpired`` for a known, unrevoked key past its expiry."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenExpired
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
