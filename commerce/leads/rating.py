"""The dealer rating: one documented pure function (no database access).

    rating = 5 x (0.6 x S + 0.2 x A + 0.2 x T)

over the last 90 days, where each part is a Bayesian average in 0..1 that
starts from a prior worth ``PRIOR_WEIGHT`` observations, so a dealer with
little history sits near the prior and moves as evidence comes in:

    S (satisfaction) = (sum (stars - 1)/4 + m x 0.75) / (answers + m)
    A (acceptance)   = (accepted + m x 0.8) / (offers decided + m)
    T (on time)      = (on-time shipments + m x 0.8) / (shipments + m)

Offers decided are order and lead offers accepted, rejected or lapsed, plus
each lead flagged stale (no outcome in time: it counts against the dealer); a
shipment is on time when it left within the dealer's ``hours_to_ship`` of
acceptance. The result is bounded to 0..5, rounded half up to 2 places, and
never decreases when one part's good outcomes grow with its total fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WINDOW_DAYS = 90
PRIOR_WEIGHT = Decimal(5)
WEIGHTS = {"satisfaction": Decimal("0.6"), "acceptance": Decimal("0.2"), "on_time": Decimal("0.2")}
PRIORS = {"satisfaction": Decimal("0.75"), "acceptance": Decimal("0.8"), "on_time": Decimal("0.8")}


@dataclass(frozen=True)
class RatingInputs:
    stars_sum: int = 0  # sum of stars (1..5) of answered surveys
    answers: int = 0
    accepted: int = 0
    decided: int = 0  # accepted + rejected + lapsed
    on_time: int = 0
    shipped: int = 0


@dataclass(frozen=True)
class Rating:
    value: Decimal
    satisfaction: Decimal
    acceptance: Decimal
    on_time: Decimal

    def as_dict(self) -> dict:
        return {
            "rating": str(self.value),
            "satisfaction": str(self.satisfaction),
            "acceptance": str(self.acceptance),
            "on_time": str(self.on_time),
        }


def _bayes(good: Decimal, total: int, prior: Decimal) -> Decimal:
    return (good + PRIOR_WEIGHT * prior) / (Decimal(total) + PRIOR_WEIGHT)


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), Decimal(1))


def dealer_rating(inputs: RatingInputs) -> Rating:
    """The rating (0..5) and its three parts (0..1), from counts of the window."""
    answers = max(inputs.answers, 0)
    stars_good = Decimal(max(inputs.stars_sum - answers, 0)) / 4  # sum (stars - 1)/4
    s = _clamp(_bayes(min(stars_good, Decimal(answers)), answers, PRIORS["satisfaction"]))
    decided = max(inputs.decided, 0)
    a = _clamp(
        _bayes(Decimal(min(max(inputs.accepted, 0), decided)), decided, PRIORS["acceptance"])
    )
    shipped = max(inputs.shipped, 0)
    t = _clamp(_bayes(Decimal(min(max(inputs.on_time, 0), shipped)), shipped, PRIORS["on_time"]))
    total = 5 * (WEIGHTS["satisfaction"] * s + WEIGHTS["acceptance"] * a + WEIGHTS["on_time"] * t)
    q = Decimal("0.01")
    return Rating(
        value=min(max(total, Decimal(0)), Decimal(5)).quantize(q, ROUND_HALF_UP),
        satisfaction=s.quantize(Decimal("0.0001"), ROUND_HALF_UP),
        acceptance=a.quantize(Decimal("0.0001"), ROUND_HALF_UP),
        on_time=t.quantize(Decimal("0.0001"), ROUND_HALF_UP),
    )
