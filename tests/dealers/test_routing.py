"""The routing function on its own: each step of the chain, ties, the fallback."""

from datetime import UTC, datetime

import pytest

from commerce.dealers.geo import DE_REGIONS
from commerce.dealers.routing import DealerFacts, RoutingFacts, route

CHAIN = ["territory", "stock", "rating", "distance", "capacity", "rotation"]
BERLIN = DE_REGIONS["10"]


def dealer(id, **fields):
    defaults = {
        "name": f"D{id}",
        "country": "DE",
        "postcode_prefixes": ("10",),
        "rating": 4.0,
        "capacity_left": 5,
    }
    return DealerFacts(id=id, **{**defaults, **fields})


def facts(*dealers, stock=None, lines=((1, 1),), postcode="10115", excluded=()):
    stock = stock if stock is not None else {(d.id, 1): 10 for d in dealers}
    return RoutingFacts(
        country="DE",
        postcode=postcode,
        point=DE_REGIONS.get(postcode[:2]),
        dealers=tuple(dealers),
        lines=tuple(lines),
        stock=stock,
        excluded=frozenset(excluded),
    )


def lost(decision, dealer_id):
    return next(c for c in decision.candidates if c.dealer == dealer_id)


def test_territory_keeps_only_dealers_serving_the_postcode():
    decision = route(facts(dealer(1, postcode_prefixes=("80",)), dealer(2)), CHAIN)
    assert decision.dealer == 2
    assert (lost(decision, 1).lost_at, lost(decision, 1).rank) == ("territory", None)


def test_territory_by_radius_around_the_dealer():
    near = dealer(1, postcode_prefixes=(), point=(52.40, 13.06), radius_km=50)
    far = dealer(2, postcode_prefixes=(), point=(48.14, 11.58), radius_km=50)
    decision = route(facts(near, far), CHAIN)
    assert decision.dealer == 1
    assert lost(decision, 2).lost_at == "territory"


def test_stock_needs_every_line():
    lines = ((1, 2), (2, 1))
    stock = {(1, 1): 2, (1, 2): 0, (2, 1): 2, (2, 2): 1}
    decision = route(facts(dealer(1, rating=5.0), dealer(2), stock=stock, lines=lines), CHAIN)
    assert decision.dealer == 2
    assert lost(decision, 1).lost_at == "stock"
    assert "2" in lost(decision, 1).reason


def test_rating_ranks_the_dealers_that_qualify():
    decision = route(facts(dealer(1, rating=4.2), dealer(2, rating=4.8)), CHAIN)
    assert decision.dealer == 2
    assert decision.ranked == [2, 1]
    assert lost(decision, 1).lost_at == "rating"
    assert "4.20" in lost(decision, 1).reason


def test_distance_breaks_a_rating_tie():
    near = dealer(1, point=(52.52, 13.40))
    far = dealer(2, point=(52.40, 13.70))
    decision = route(facts(far, near), CHAIN)
    assert decision.dealer == 1
    assert lost(decision, 2).lost_at == "distance"


def test_capacity_drops_full_dealers_and_prefers_most_left():
    full = dealer(1, capacity_left=0)
    some = dealer(2, capacity_left=2)
    most = dealer(3, capacity_left=7)
    decision = route(facts(full, some, most), CHAIN)
    assert decision.dealer == 3
    assert lost(decision, 1).lost_at == "capacity"
    assert lost(decision, 2).lost_at == "capacity"


def test_rotation_prefers_the_dealer_offered_longest_ago():
    recent = dealer(1, last_offered_at=datetime(2026, 5, 2, tzinfo=UTC))
    older = dealer(2, last_offered_at=datetime(2026, 5, 1, tzinfo=UTC))
    never = dealer(3)
    decision = route(facts(recent, older, never), CHAIN)
    assert decision.ranked == [3, 2, 1]
    assert lost(decision, 1).lost_at == "rotation"


def test_a_full_tie_goes_to_the_lower_id():
    decision = route(facts(dealer(2), dealer(1)), ["territory", "stock", "rating"])
    assert decision.dealer == 1
    assert lost(decision, 2).lost_at == "id"


def test_the_chain_order_decides_which_step_counts_first():
    near_low = dealer(1, rating=3.0, point=BERLIN)
    far_high = dealer(2, rating=5.0, point=(52.40, 13.70))
    assert route(facts(near_low, far_high), CHAIN).dealer == 2
    by_distance = ["territory", "stock", "distance", "rating"]
    assert route(facts(near_low, far_high), by_distance).dealer == 1


def test_no_candidate_falls_back_to_direct():
    decision = route(facts(dealer(1, postcode_prefixes=("80",))), CHAIN)
    assert decision.dealer is None
    assert "directly" in decision.why
    assert decision.ranked == []


def test_excluded_dealers_do_not_take_part():
    decision = route(facts(dealer(1, rating=5.0), dealer(2), excluded={1}), CHAIN)
    assert decision.dealer == 2
    assert lost(decision, 1).lost_at == "excluded"


def test_a_lead_without_lines_skips_the_stock_step():
    decision = route(facts(dealer(1), dealer(2, rating=4.5), stock={}, lines=()), CHAIN)
    assert decision.dealer == 2


def test_unknown_steps_are_refused():
    with pytest.raises(ValueError):
        route(facts(dealer(1)), ["territory", "vibes"])
