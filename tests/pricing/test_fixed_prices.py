"""A fixed (quoted) price replaces every list rule, keeps the list price for
reference, and is taxed and rounded like any other price."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pricing.engine import EntryFact, ListRef, PriceContext, ProductFacts, quote
from pricing.fixed import RULE, FixedPrice, fixed_quote

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
CONTRACT = ListRef(10, "Acme contract", "contract")


def context(**kwargs):
    return PriceContext(
        **{
            "channel": "portal",
            "currency": "EUR",
            "tax_rate": Decimal("0.19"),
            "prices_include_tax": False,
            "at": NOW,
            "company_id": 1,
            "contract_lists": (CONTRACT,),
            **kwargs,
        }
    )


FACTS = ProductFacts(
    product_id=7,
    list_price=Decimal("20.00"),
    currency="EUR",
    entries=(EntryFact(10, 1, 1, Decimal("15.00")),),
)


def test_the_quoted_price_wins_over_the_contract_with_its_reason():
    engine = quote(FACTS, 5, context())
    fixed = fixed_quote(FACTS, 5, context(), FixedPrice(Decimal("12.5"), "Quote Q-000012"))

    assert (engine.unit_net, engine.rule) == (Decimal("15.00"), "contract")
    assert (fixed.unit_net, fixed.rule, fixed.reason) == (Decimal("12.50"), RULE, "Quote Q-000012")
    assert (fixed.list_price, fixed.unit_tax, fixed.line_net) == (
        Decimal("20.00"),
        Decimal("2.38"),  # 19 % of 12.50 = 2.375, half up
        Decimal("62.50"),
    )
    assert fixed.as_dict()["rule"] == "quote"


@pytest.mark.parametrize(
    ("price", "net"),
    [("10.005", "10.01"), ("10.004", "10.00"), ("0", "0.00")],
)
def test_a_fixed_price_is_rounded_half_up_once(price, net):
    fixed = fixed_quote(FACTS, 1, context(), FixedPrice(Decimal(price), "Quote Q-1"))
    assert fixed.unit_net == Decimal(net)


def test_quantity_must_be_positive():
    with pytest.raises(ValueError):
        fixed_quote(FACTS, 0, context(), FixedPrice(Decimal("1"), "Quote Q-1"))
