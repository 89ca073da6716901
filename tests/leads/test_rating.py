"""The dealer rating formula: bounded, monotone in each part, the prior
without history; and the scheduled recompute feeding routing."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce.leads.rating import RatingInputs, dealer_rating

counts = st.integers(min_value=0, max_value=500)


@st.composite
def inputs(draw):
    answers = draw(counts)
    stars = draw(st.integers(min_value=answers, max_value=5 * answers))
    decided = draw(counts)
    accepted = draw(st.integers(min_value=0, max_value=decided))
    shipped = draw(counts)
    on_time = draw(st.integers(min_value=0, max_value=shipped))
    return RatingInputs(stars, answers, accepted, decided, on_time, shipped)


@given(inputs())
def test_bounded(i):
    r = dealer_rating(i)
    assert Decimal(0) <= r.value <= Decimal(5)
    for part in (r.satisfaction, r.acceptance, r.on_time):
        assert Decimal(0) <= part <= Decimal(1)


@given(inputs())
def test_monotone_in_satisfaction(i):
    if i.stars_sum < 5 * i.answers:
        better = RatingInputs(
            i.stars_sum + 1, i.answers, i.accepted, i.decided, i.on_time, i.shipped
        )
        assert dealer_rating(better).value >= dealer_rating(i).value


@given(inputs())
def test_monotone_in_acceptance(i):
    if i.accepted < i.decided:
        better = RatingInputs(
            i.stars_sum, i.answers, i.accepted + 1, i.decided, i.on_time, i.shipped
        )
        assert dealer_rating(better).value >= dealer_rating(i).value


@given(inputs())
def test_monotone_in_on_time(i):
    if i.on_time < i.shipped:
        better = RatingInputs(
            i.stars_sum, i.answers, i.accepted, i.decided, i.on_time + 1, i.shipped
        )
        assert dealer_rating(better).value >= dealer_rating(i).value


@given(st.integers(min_value=0, max_value=1000))
def test_hostile_counts_stay_bounded(n):
    r = dealer_rating(RatingInputs(stars_sum=10 * n, answers=n, accepted=2 * n, decided=n))
    assert Decimal(0) <= r.value <= Decimal(5)


def test_hand_computed_values():
    # No history: the priors. 5 x (0.6 x 0.75 + 0.2 x 0.8 + 0.2 x 0.8) = 3.85
    assert dealer_rating(RatingInputs()).value == Decimal("3.85")
    # 5 answers all 5 stars: S = (5 + 5 x 0.75) / 10 = 0.875
    # 10 offers, 5 accepted: A = (5 + 4) / 15 = 0.6
    # 5 shipped, all on time: T = (5 + 4) / 10 = 0.9
    # 5 x (0.525 + 0.12 + 0.18) = 4.125 -> 4.13
    r = dealer_rating(RatingInputs(25, 5, 5, 10, 5, 5))
    assert (r.satisfaction, r.acceptance, r.on_time) == (
        Decimal("0.8750"),
        Decimal("0.6000"),
        Decimal("0.9000"),
    )
    assert r.value == Decimal("4.13")


@pytest.mark.django_db
def test_the_recompute_stores_ratings_that_routing_uses(network):
    from commerce.leads import tasks

    assert tasks.recompute_dealer_ratings() == 3
    for dealer in ("best", "second", "munich"):
        network[dealer].refresh_from_db()
        assert network[dealer].rating == Decimal("3.85")
    assert tasks.recompute_dealer_ratings() == 0


@pytest.mark.django_db
def test_stale_leads_count_against_the_dealer(network):
    from django.utils import timezone

    from commerce.leads.models import Lead
    from commerce.leads.ratings import rating_inputs

    for _ in range(2):
        Lead.objects.create(
            name="C",
            email="c@example.com",
            postcode="10115",
            country="DE",
            status="accepted",
            dealer=network["best"],
            stale_at=timezone.now(),
        )
    inputs = rating_inputs()[network["best"].pk]
    assert (inputs.accepted, inputs.decided) == (0, 2)
    # A = (0 + 5 x 0.8) / (2 + 5) = 0.5714: 5 x (0.45 + 0.1143 + 0.16) = 3.62
    assert dealer_rating(inputs).value == Decimal("3.62")
