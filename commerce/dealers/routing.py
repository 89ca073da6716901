"""Routing: which dealer should fulfil an order (or take a lead), and why.

A pure function over facts loaded in bulk (``commerce.dealers.facts``), like
the pricing engine: no database access here. The chain is an ordered list of
steps. ``territory`` and ``stock`` keep only the dealers that serve the
address and hold every line; ``capacity`` drops dealers with no offers left
today and then prefers the most remaining capacity; ``rating`` (highest),
``distance`` (nearest; unknown last) and ``rotation`` (longest since its last
offer) rank the rest, in chain order. The first candidate wins; with none,
the order is fulfilled directly from the manufacturer's warehouses. Every
dealer that lost says at which step and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from commerce.dealers.geo import distance_km

FILTERS = ("territory", "stock")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DealerFacts:
    id: int
    name: str
    country: str
    postcode_prefixes: tuple[str, ...] = ()
    point: tuple[float, float] | None = None
    radius_km: float | None = None
    rating: float = 0.0
    capacity_left: int = 0
    last_offered_at: datetime | None = None


@dataclass(frozen=True)
class RoutingFacts:
    """What is known at decision time. ``lines`` is ((product id, units), ...);
    a lead has no lines and skips the stock step. ``stock`` maps
    (dealer id, product id) to free units."""

    country: str
    postcode: str
    point: tuple[float, float] | None
    dealers: tuple[DealerFacts, ...]
    lines: tuple[tuple[int, int], ...] = ()
    stock: dict = field(default_factory=dict)
    excluded: frozenset = frozenset()


@dataclass(frozen=True)
class Candidate:
    dealer: int
    name: str
    rank: int | None  # 1 = chosen; None = filtered out
    lost_at: str = ""
    reason: str = ""
    distance_km: float | None = None

    def as_dict(self) -> dict:
        return {
            "dealer": self.dealer,
            "name": self.name,
            "rank": self.rank,
            "chosen": self.rank == 1,
            "lost_at": self.lost_at,
            "reason": self.reason,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
        }


@dataclass(frozen=True)
class Decision:
    dealer: int | None
    why: str
    candidates: tuple[Candidate, ...]

    @property
    def ranked(self) -> list[int]:
        """Dealers that qualified, best first."""
        return [c.dealer for c in sorted(self.candidates, key=_rank) if c.rank is not None]


def _rank(candidate: Candidate):
    return (candidate.rank is None, candidate.rank or 0, candidate.dealer)


def serves(dealer: DealerFacts, country: str, postcode: str, point) -> tuple[bool, float | None]:
    distance = distance_km(dealer.point, point)
    if dealer.country.upper() == (country or "").upper():
        code = (postcode or "").replace(" ", "")
        if any(code.startswith(prefix) for prefix in dealer.postcode_prefixes if prefix):
            return True, distance
    if dealer.radius_km is not None and distance is not None and distance <= dealer.radius_km:
        return True, distance
    return False, distance


def _keys(step: str, dealer: DealerFacts, distance: float | None):
    if step == "rating":
        return -dealer.rating
    if step == "distance":
        return (distance is None, distance or 0.0)
    if step == "capacity":
        return -dealer.capacity_left
    if step == "rotation":
        return (dealer.last_offered_at is not None, dealer.last_offered_at or _EPOCH)
    raise ValueError(f"unknown routing step {step!r}")


def _describe(step: str, loser: DealerFacts, winner: DealerFacts, distances) -> str:
    if step == "rating":
        return f"rating {loser.rating:.2f} below {winner.name}'s {winner.rating:.2f}"
    if step == "distance":
        mine, theirs = distances[loser.id], distances[winner.id]
        if mine is None:
            return f"distance unknown; {winner.name} is nearer"
        return f"{mine:.1f} km away; {winner.name} is {theirs:.1f} km"
    if step == "capacity":
        return f"{loser.capacity_left} offers left today; {winner.name} has {winner.capacity_left}"
    return f"offered more recently than {winner.name} (rotation)"


def route(facts: RoutingFacts, chain: list[str] | tuple[str, ...]) -> Decision:
    """Rank the dealers for ``facts`` by ``chain``; the winner or None (direct)."""
    chain = [step for step in chain]
    for step in chain:
        if step not in ("territory", "stock", "rating", "distance", "capacity", "rotation"):
            raise ValueError(f"unknown routing step {step!r}")
    out: list[Candidate] = []
    alive: list[DealerFacts] = []
    distances: dict[int, float | None] = {}
    for dealer in sorted(facts.dealers, key=lambda d: d.id):
        ok, distance = serves(dealer, facts.country, facts.postcode, facts.point)
        distances[dealer.id] = distance
        if dealer.id in facts.excluded:
            out.append(
                Candidate(dealer.id, dealer.name, None, "excluded", "declined this order", distance)
            )
            continue
        if "territory" in chain and not ok:
            out.append(
                Candidate(
                    dealer.id,
                    dealer.name,
                    None,
                    "territory",
                    "does not serve this address",
                    distance,
                )
            )
            continue
        if "stock" in chain:
            short = [
                product
                for product, units in facts.lines
                if facts.stock.get((dealer.id, product), 0) < units
            ]
            if short:
                out.append(
                    Candidate(
                        dealer.id,
                        dealer.name,
                        None,
                        "stock",
                        "not enough stock of product " + ", ".join(map(str, short)),
                        distance,
                    )
                )
                continue
        if "capacity" in chain and dealer.capacity_left <= 0:
            out.append(
                Candidate(
                    dealer.id, dealer.name, None, "capacity", "no capacity left today", distance
                )
            )
            continue
        alive.append(dealer)

    rankers = [step for step in chain if step not in FILTERS]
    ordered = sorted(
        alive, key=lambda d: (*[_keys(step, d, distances[d.id]) for step in rankers], d.id)
    )
    if not ordered:
        return Decision(
            None,
            "No dealer serves this address with the stock: fulfilled directly.",
            tuple(out),
        )
    winner = ordered[0]
    for position, dealer in enumerate(ordered, start=1):
        if position == 1:
            reason = "; ".join(_why(step, dealer, distances) for step in rankers) or "first"
            out.append(Candidate(dealer.id, dealer.name, 1, "", reason, distances[dealer.id]))
            continue
        lost_at, reason = "id", f"tie with {winner.name} on every step; lower id wins"
        for step in rankers:
            if _keys(step, dealer, distances[dealer.id]) != _keys(
                step, winner, distances[winner.id]
            ):
                lost_at, reason = step, _describe(step, dealer, winner, distances)
                break
        out.append(
            Candidate(dealer.id, dealer.name, position, lost_at, reason, distances[dealer.id])
        )
    why = f"{winner.name}: serves the address"
    if "stock" in chain and facts.lines:
        why += ", has every line in stock"
    if rankers:
        why += ", then best by " + ", ".join(rankers)
    return Decision(winner.id, why + ".", tuple(sorted(out, key=_rank)))


def _why(step: str, dealer: DealerFacts, distances) -> str:
    if step == "rating":
        return f"rating {dealer.rating:.2f}"
    if step == "distance":
        d = distances[dealer.id]
        return "distance unknown" if d is None else f"{d:.1f} km"
    if step == "capacity":
        return f"{dealer.capacity_left} offers left today"
    last = dealer.last_offered_at
    return "never offered before" if last is None else f"last offered {last:%Y-%m-%d %H:%M}"
