"""``Idempotency-Key`` on ``POST /api/checkout/``.

The key is handed to the order pipeline (``commerce.checkout.placement``),
which keeps one key mechanism for pages and API: a key belongs to the user on
this site for the active company, a retry with the same key and body gets
the same order again, and the same key with a different body is refused with
``idempotency_conflict`` (422). A request that failed leaves no key behind:
it can be retried.
"""

from __future__ import annotations

import hashlib
import json

from commerce.api.errors import ApiError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def request_hash(endpoint: str, data) -> str:
    """What makes two requests "the same request": the endpoint and the body."""
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
