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

Split by step: ``state`` (states, errors, locking, closing and expiring a
share), ``link`` (the signed link and the payer proving who they are),
``requester`` (share, cancel) and ``payer`` (change lines, decline, pay).
This package is their one public face.
"""

from commerce.basket.sharing.link import (
    Access,
    is_payer,
    share_access,
    share_confirm_code,
    share_from_token,
    share_send_code,
    share_token,
    share_url,
)
from commerce.basket.sharing.payer import share_decline, share_pay, share_update_lines
from commerce.basket.sharing.requester import basket_share, share_cancel
from commerce.basket.sharing.state import (
    MAX_CODE_ATTEMPTS,
    MAX_CODES,
    MAX_QUANTITY,
    CodeRefused,
    LinkInvalid,
    LinkUsed,
    NotThePayer,
    ShareError,
    _strategy,
    priced_basket,
    share_expire,
)

__all__ = [
    "MAX_CODES",
    "MAX_CODE_ATTEMPTS",
    "MAX_QUANTITY",
    "Access",
    "CodeRefused",
    "LinkInvalid",
    "LinkUsed",
    "NotThePayer",
    "ShareError",
    "_strategy",
    "basket_share",
    "is_payer",
    "priced_basket",
    "share_access",
    "share_cancel",
    "share_confirm_code",
    "share_decline",
    "share_expire",
    "share_from_token",
    "share_pay",
    "share_send_code",
    "share_token",
    "share_update_lines",
    "share_url",
]
