"""An instalment schedule: equal monthly parts at 0 %, the cents that do not
divide evenly on the first, so the parts sum to the total to the cent."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from commerce.core.money import quantize


@dataclass(frozen=True)
class Part:
    number: int
    due: date
    amount: Decimal


def add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def split(total: Decimal, count: int, currency: str) -> list[Decimal]:
    """``count`` amounts summing to ``total``: the even share rounded down, the rest first."""
    total = quantize(total, currency)
    share = (total / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    first = total - share * (count - 1)
    return [first, *[share] * (count - 1)]


def schedule(total: Decimal, count: int, currency: str, *, start: date) -> list[Part]:
    return [
        Part(number=n + 1, due=add_months(start, n), amount=amount)
        for n, amount in enumerate(split(total, count, currency))
    ]
