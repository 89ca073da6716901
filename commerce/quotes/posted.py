"""What the quote pages post (the staff desk and the portal), read in one place:
the message, the amount per line and a date. A value that does not read raises
``QuoteError`` with what to fix."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from commerce.quotes.exceptions import QuoteError

MESSAGE_MAX = 5000


def posted_message(data) -> str:
    return data.get("message", "")[:MESSAGE_MAX]


def posted_amounts(data, quote, prefix: str) -> dict[int, Decimal]:
    """The amounts posted as ``<prefix><line id>`` for the quote's lines; a line
    left blank is left out."""
    amounts = {}
    for line in quote.lines.all():
        raw = data.get(f"{prefix}{line.pk}", "").strip()
        if not raw:
            continue
        try:
            amount = Decimal(raw)
        except InvalidOperation as error:
            raise QuoteError(f"'{raw}' is not an amount.") from error
        if not amount.is_finite():
            raise QuoteError(f"'{raw}' is not an amount.")
        amounts[line.pk] = amount
    return amounts


def posted_date(data, name: str, *, required: bool, error: str) -> date | None:
    """The ISO date posted as ``name``; None when it is blank and not ``required``."""
    raw = data.get(name, "").strip()
    if not raw and not required:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise QuoteError(error) from exc
