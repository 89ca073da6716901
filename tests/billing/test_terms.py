from datetime import date

import pytest

from commerce.billing.terms import Terms, due_date


@pytest.mark.parametrize(
    ("terms", "issued", "due"),
    [
        (Terms.DUE_ON_RECEIPT, date(2026, 3, 10), date(2026, 3, 10)),
        (Terms.NET_15, date(2026, 3, 10), date(2026, 3, 25)),
        (Terms.NET_30, date(2026, 1, 31), date(2026, 3, 2)),
        (Terms.NET_45, date(2026, 12, 20), date(2027, 2, 3)),
        (Terms.NET_60, date(2026, 3, 10), date(2026, 5, 9)),
        (Terms.NET_90, date(2026, 3, 10), date(2026, 6, 8)),
        (Terms.EOM_30, date(2026, 1, 5), date(2026, 3, 2)),
        (Terms.EOM_30, date(2028, 2, 10), date(2028, 3, 30)),  # leap year
        (Terms.EOM_60, date(2026, 11, 30), date(2027, 1, 29)),
    ],
)
def test_due_dates_follow_the_terms(terms, issued, due):
    assert due_date(terms, issued) == due
