"""Money is Decimal, rounded once, half up."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce.core.money import add_tax, quantize


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("2.675", "2.68"),  # a float would give 2.67
        ("-0.005", "-0.01"),  # half away from zero
        ("9.996", "10.00"),
        ("10", "10.00"),
    ],
)
def test_quantize_rounds_half_up_to_cents(amount, expected):
    assert quantize(Decimal(amount), "EUR") == Decimal(expected)


def test_currencies_without_minor_units_round_to_whole_numbers():
    assert quantize(Decimal("1234.5"), "JPY") == Decimal("1235")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        quantize(0.1, "EUR")


def test_tax_is_rounded_once_and_gross_is_net_plus_tax():
    tax, gross = add_tax(Decimal("8.40"), Decimal("0.19"), "EUR")

    assert (tax, gross) == (Decimal("1.60"), Decimal("10.00"))


@given(st.decimals(min_value=0, max_value=10**9, places=2), st.sampled_from(["0", "0.07", "0.19"]))
def test_gross_always_equals_net_plus_rounded_tax(net, rate):
    tax, gross = add_tax(net, Decimal(rate), "EUR")

    assert gross == net + tax
    assert tax == tax.quantize(Decimal("0.01"))
    assert abs(tax - net * Decimal(rate)) <= Decimal("0.005")
