"""Property-based tests of the resolution rules: precedence, breaks, windows, rounding."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commerce.core.money import quantize
from pricing.engine import EntryFact, ListRef, Loyalty, PriceContext, ProductFacts, Rule, quote

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
CONTRACT = ListRef(10, "Acme contract", "contract")
TIER = ListRef(20, "Gold distributor", "tier")
RATE = Decimal("0.19")

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)
fine_money = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999"), places=4)
quantities = st.integers(min_value=1, max_value=500)
offsets = st.one_of(st.none(), st.integers(min_value=-30, max_value=30))


def portal(**kwargs) -> PriceContext:
    defaults = {
        "channel": "portal",
        "currency": "EUR",
        "tax_rate": RATE,
        "prices_include_tax": False,
        "at": NOW,
        "company_id": 1,
        "contract_lists": (CONTRACT,),
        "tier_list": TIER,
    }
    return PriceContext(**{**defaults, **kwargs})


def storefront(**kwargs) -> PriceContext:
    return PriceContext(
        **{
            "channel": "storefront",
            "currency": "EUR",
            "tax_rate": RATE,
            "prices_include_tax": True,
            "at": NOW,
            **kwargs,
        }
    )


@st.composite
def entries(draw, list_id, windows=False):
    minimums = draw(st.lists(st.integers(1, 200), min_size=0, max_size=5, unique=True))
    result = []
    for n, minimum in enumerate(minimums):
        start = end = None
        if windows:
            a, b = draw(offsets), draw(offsets)
            start = None if a is None else NOW + timedelta(days=a)
            end = None if b is None else NOW + timedelta(days=b)
            if start and end and end <= start:
                start, end = end, start + timedelta(days=1)
        result.append(EntryFact(list_id, list_id * 100 + n, minimum, draw(money), start, end))
    return tuple(result)


@given(list_price=money, contract=entries(10), tier=entries(20), qty=quantities)
def test_precedence_contract_then_tier_then_list(list_price, contract, tier, qty):
    facts = ProductFacts(1, list_price, "EUR", contract + tier)

    result = quote(facts, qty, portal())

    contract_hits = [e for e in contract if e.min_quantity <= qty]
    tier_hits = [e for e in tier if e.min_quantity <= qty]
    if contract_hits:
        assert result.rule == Rule.CONTRACT
        assert result.unit_net == max(contract_hits, key=lambda e: e.min_quantity).unit_price
    elif tier_hits:
        assert result.rule == Rule.TIER
        assert result.unit_net == max(tier_hits, key=lambda e: e.min_quantity).unit_price
    else:
        assert result.rule == Rule.LIST
        assert result.unit_net == list_price
    assert result.list_price == list_price


@given(list_price=money, tier=entries(20, windows=True), qty=quantities)
def test_entries_apply_only_inside_their_windows(list_price, tier, qty):
    facts = ProductFacts(1, list_price, "EUR", tier)

    result = quote(facts, qty, portal(contract_lists=()))

    live = [e for e in tier if e.min_quantity <= qty and e.is_valid_at(NOW)]
    if live:
        best = max(
            live, key=lambda e: (e.min_quantity, e.valid_from is not None, e.valid_from or NOW)
        )
        assert result.entry_id == best.entry_id
    else:
        assert result.rule == Rule.LIST


@given(
    list_price=fine_money, qty=quantities, percent=st.decimals(min_value=0, max_value=100, places=2)
)
def test_rounding_is_to_cents_half_up_and_gross_is_net_plus_tax(list_price, qty, percent):
    assume(list_price > 0)
    context = storefront(loyalty=Loyalty("Gold", percent))

    result = quote(ProductFacts(1, list_price, "EUR"), qty, context)

    listed = quantize(list_price, "EUR")
    assert result.unit_net == quantize(listed * (100 - percent) / 100, "EUR")
    assert result.unit_tax == quantize(result.unit_net * RATE, "EUR")
    assert result.unit_display == result.unit_net + result.unit_tax
    assert result.unit_net.as_tuple().exponent == -2
    assert result.unit_net <= listed


@given(list_price=money, contract=entries(10), tier=entries(20))
def test_the_break_table_matches_the_price_at_each_break(list_price, contract, tier):
    facts = ProductFacts(1, list_price, "EUR", contract + tier)
    context = portal()

    table = quote(facts, 1, context).breaks

    for row in table:
        assert quote(facts, row.min_quantity, context).unit_net == row.unit_net
    assert [r.min_quantity for r in table] == sorted({r.min_quantity for r in table})
    if table:
        assert table[0].min_quantity == 1


@settings(max_examples=50)
@given(list_price=money, qty=quantities)
def test_without_lists_the_portal_pays_list_price_net(list_price, qty):
    result = quote(
        ProductFacts(1, list_price, "EUR"), qty, portal(contract_lists=(), tier_list=None)
    )

    assert (result.rule, result.reason, result.unit_display) == (
        Rule.LIST,
        "List price",
        list_price,
    )


def test_an_entry_at_a_higher_break_wins_within_its_list():
    facts = ProductFacts(
        1,
        Decimal("10.00"),
        "EUR",
        (
            EntryFact(10, 1, 1, Decimal("9.00")),
            EntryFact(10, 2, 10, Decimal("8.00")),
            EntryFact(10, 3, 50, Decimal("7.00")),
        ),
    )

    at = {q: quote(facts, q, portal()).unit_net for q in (1, 9, 10, 49, 50, 500)}

    assert at == {
        1: Decimal("9.00"),
        9: Decimal("9.00"),
        10: Decimal("8.00"),
        49: Decimal("8.00"),
        50: Decimal("7.00"),
        500: Decimal("7.00"),
    }
    assert quote(facts, 12, portal()).reason == "Your contract price (10+)"


def test_a_contract_break_above_the_quantity_falls_back_to_the_tier():
    facts = ProductFacts(
        1,
        Decimal("10.00"),
        "EUR",
        (EntryFact(10, 1, 100, Decimal("6.00")), EntryFact(20, 2, 1, Decimal("9.50"))),
    )

    assert quote(facts, 5, portal()).rule == Rule.TIER
    assert quote(facts, 5, portal()).reason == "Gold distributor price"
    assert quote(facts, 100, portal()).rule == Rule.CONTRACT


def test_a_scheduled_entry_overrides_the_open_ended_one_from_its_start():
    base = EntryFact(20, 1, 1, Decimal("9.00"))
    scheduled = EntryFact(20, 2, 1, Decimal("8.50"), valid_from=NOW - timedelta(hours=1))
    future = EntryFact(20, 3, 1, Decimal("8.00"), valid_from=NOW + timedelta(hours=1))
    facts = ProductFacts(1, Decimal("10.00"), "EUR", (base, scheduled, future))

    assert quote(facts, 1, portal(contract_lists=())).unit_net == Decimal("8.50")


def test_loyalty_reason_reads_like_the_storefront_shows_it():
    result = quote(
        ProductFacts(1, Decimal("20.00"), "EUR"),
        1,
        storefront(loyalty=Loyalty("Gold", Decimal("5.00"))),
    )

    assert result.reason == "Gold tier −5%"
    assert result.unit_net == Decimal("19.00")
    assert result.unit_display == Decimal("22.61")  # 19.00 + 3.61 VAT


def test_no_price_means_unavailable_not_zero():
    result = quote(ProductFacts(1, None, "EUR"), 1, portal())

    assert not result.exists
    assert result.rule == Rule.UNAVAILABLE


def test_a_list_price_in_another_currency_is_not_used():
    assert not quote(ProductFacts(1, Decimal("5.00"), "USD"), 1, portal()).exists


def test_quantity_must_be_positive():
    with pytest.raises(ValueError):
        quote(ProductFacts(1, Decimal("5.00"), "EUR"), 0, portal())
