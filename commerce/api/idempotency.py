"""``Idempotency-Key``: a retried API request gets the first answer again.

The (user, key) row is claimed inside the request's transaction before any
work is done; a concurrent request with the same key waits on the row (the
unique constraint) and then replays the stored answer. A different body
under the same key is refused with ``idempotency_conflict`` (422). If the
request fails, its transaction (and the claim) rolls back: the key can be
retried.
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction

from commerce.api.errors import ApiError
from commerce.api.models import IdempotentResponse

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def request_hash(endpoint: str, data) -> str:
    payload = json.dumps({"endpoint": endpoint, "body": data}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def key_from(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.",
            code="validation_error",
            details={HEADER: ["Invalid key."]},
        )
    return key


def claim(*, user, key: str, endpoint: str, digest: str) -> IdempotentResponse:
    """Lock (or create) the row for (user, key); must run inside a transaction.

    Returns the row: with ``status_code`` set when an earlier request already
    answered (replay it), empty when this request is the first.
    """
    assert transaction.get_connection().in_atomic_block
    row = IdempotentResponse.objects.select_for_update().filter(user=user, key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                row = IdempotentResponse.objects.create(
                    user=user, key=key, endpoint=endpoint, request_hash=digest
                )
        except IntegrityError:  # a concurrent request claimed it first: wait for its answer
            row = IdempotentResponse.objects.select_for_update().get(user=user, key=key)
    if row.request_hash != digest:
        raise ApiError(
            f"This {HEADER} was already used with a different request. Use a new key.",
            code="idempotency_conflict",
            status_code=422,
        )
    return row


def store(row: IdempotentResponse, *, status_code: int, body) -> None:
    row.status_code = status_code
    row.body = json.loads(json.dumps(body, default=str))
    row.save(update_fields=["status_code", "body"])
