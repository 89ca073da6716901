"""Checkout idempotency keys, one mechanism for pages and API.

A key belongs to a scope: the signed-in buyer on one site for one company (or
none), or a guest's basket. The same key in the same scope is the same
checkout (a retry gets the order placed first); with a different request it
is refused (``IdempotencyConflict``); in another scope it is another checkout.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from commerce import sites
from commerce.order.exceptions import IdempotencyConflict
from commerce.order.models import IdempotencyKey


def _key_lookup(key: str, request, basket) -> dict:
    """Where a key belongs: the signed-in buyer on this site for this company
    (or none), or a guest's basket."""
    lookup = {"scope": "checkout", "site": request.channel, "key": key}
    if request.user is None:
        return {**lookup, "user": None, "basket": basket}
    company = request.company if request.channel == sites.PORTAL else None
    return {**lookup, "user": request.user, "company": company}


def key_find(key: str, request, basket, fingerprint: str):
    """The key's row if this scope used it already (no lock); refuses another request."""
    row = IdempotencyKey.objects.filter(**_key_lookup(key, request, basket)).first()
    if row is not None and row.fingerprint != fingerprint:
        raise IdempotencyConflict()
    return row


def key_claim(key: str, request, basket, fingerprint: str) -> IdempotencyKey:
    """Lock (or create) the idempotency key row of this scope (step 3 of the lock order)."""
    lookup = _key_lookup(key, request, basket)
    row = IdempotencyKey.objects.select_for_update().filter(**lookup).first()
    if row is None:
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    **{**lookup, "basket": basket}, fingerprint=fingerprint
                )
        except IntegrityError:  # a concurrent request created it first: wait for it
            row = IdempotencyKey.objects.select_for_update().get(**lookup)
    if row.fingerprint != fingerprint:
        raise IdempotencyConflict()
    return row


EDIT_SCOPE = "order_edit"


def _edit_lookup(key, user, channel, order) -> dict:
    return {
        "scope": EDIT_SCOPE,
        "site": channel,
        "key": key,
        "user": user,
        "company": order.company if order.company_id else None,
    }


def edit_key_find(key: str, *, user, channel: str, order, fingerprint: str):
    """The key's row if this edit was made already (no lock); refuses another edit."""
    row = IdempotencyKey.objects.filter(**_edit_lookup(key, user, channel, order)).first()
    if row is not None and (row.fingerprint != fingerprint or row.order_id != order.pk):
        raise IdempotencyConflict()
    return row


def edit_key_claim(key: str, *, user, channel: str, order, fingerprint: str) -> IdempotencyKey:
    """Lock (or create) an order edit's key (step 3 of the lock order, before
    the order): the same key with the same edit is that edit again (the caller
    answers the order as it is), with another edit ``IdempotencyConflict``."""
    lookup = _edit_lookup(key, user, channel, order)
    row = IdempotencyKey.objects.select_for_update().filter(**lookup).first()
    if row is None:
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(**lookup, fingerprint=fingerprint)
        except IntegrityError:  # a concurrent request created it first: wait for it
            row = IdempotencyKey.objects.select_for_update().get(**lookup)
    if row.fingerprint != fingerprint or (row.order_id and row.order_id != order.pk):
        raise IdempotencyConflict()
    return row
