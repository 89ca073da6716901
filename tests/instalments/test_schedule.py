"""Instalment schedules: 0 %, the parts sum to the total to the cent (remainder first)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce.instalments.schedule import add_months, schedule, split


@pytest.mark.parametrize(
    ("total", "count", "parts"),
    [
        ("100.00", 3, ["33.34", "33.33", "33.33"]),
        ("100.01", 3, ["33.35", "33.33", "33.33"]),
        ("99.99", 3, ["33.33", "33.33", "33.33"]),
        ("10.00", 6, ["1.70", "1.66", "1.66", "1.66", "1.66", "1.66"]),
    ],
)
def test_split_puts_the_odd_cents_on_the_first_part(total, count, parts):
    assert split(Decimal(total), count, "EUR") == [Decimal(p) for p in parts]


@given(
    st.decimals(min_value=Decimal("12.00"), max_value=Decimal("99999.99"), places=2),
    st.sampled_from([3, 6, 12]),
)
def test_parts_always_sum_to_the_total(total, count):
    parts = split(total, count, "EUR")
    assert sum(parts) == total
    assert len(parts) == count
    assert max(parts) - min(parts) < Decimal("0.01") * count


def test_monthly_due_dates_keep_the_day_or_the_month_end():
    dues = [part.due for part in schedule(Decimal("30"), 3, "EUR", start=date(2026, 1, 31))]
    assert dues == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)
