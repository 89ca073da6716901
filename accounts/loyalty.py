"""Consumer loyalty tiers: computed from the trailing 12 months of storefront orders.

Spend is the total (incl. tax) of storefront orders that were not rejected or
cancelled; frequency is how many there were; the return rate is the share of
that spend refunded (payment events of type ``REFUND_EVENT``). A consumer gets
the best active tier whose thresholds they meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts import access_cache, topics
from accounts.models import CustomerLoyalty, LoyaltyTier
from commerce.core.money import ZERO
from commerce.order.selectors import storefront_spend_by_user
from commerce.outbox.services import outbox_emit

WINDOW = timedelta(days=365)
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Activity:
    spend: Decimal
    orders: int
    refunded: Decimal

    @property
    def return_rate(self) -> Decimal:
        if self.spend <= 0:
            return Decimal("0.0000")
        return min(Decimal(1), (self.refunded / self.spend)).quantize(RATE_PLACES)


def tier_for(activity: Activity, tiers: list[LoyaltyTier]) -> LoyaltyTier | None:
    """The best (highest-rank) active tier whose thresholds ``activity`` meets."""
    qualifying = [
        t
        for t in tiers
        if t.is_active
        and activity.spend >= t.min_spend
        and activity.orders >= t.min_orders
        and activity.return_rate <= t.max_return_rate
    ]
    return max(qualifying, key=lambda t: t.rank, default=None)


def activity_by_user(since: datetime) -> dict[int, Activity]:
    """Trailing activity of every consumer who ordered since ``since`` (the order
    layer's selector: two queries)."""
    return {
        user_id: Activity(spend=spend or ZERO, orders=count, refunded=refunded or ZERO)
        for user_id, (spend, count, refunded) in storefront_spend_by_user(since).items()
    }


def activity_of(user, now: datetime | None = None) -> Activity:
    since = (now or timezone.now()) - WINDOW
    return (
        activity_by_user(since).get(user.pk, Activity(ZERO, 0, ZERO))
        if user.pk
        else Activity(ZERO, 0, ZERO)
    )


@transaction.atomic
def loyalty_recompute(*, now: datetime | None = None) -> dict[str, int]:
    """Recompute every consumer's tier; returns how many moved up, down or stayed."""
    now = now or timezone.now()
    tiers = list(LoyaltyTier.objects.all())
    activity = activity_by_user(now - WINDOW)
    existing = {row.user_id: row for row in CustomerLoyalty.objects.select_for_update()}
    ranks = {t.pk: t.rank for t in tiers}
    counts = {"up": 0, "down": 0, "same": 0}
    to_create = []
    for user_id in set(activity) | set(existing):
        act = activity.get(user_id, Activity(ZERO, 0, ZERO))
        tier = tier_for(act, tiers)
        row = existing.get(user_id)
        if row is None:
            row = CustomerLoyalty(user_id=user_id)
            to_create.append(row)
        old = ranks.get(row.tier_id, -1)
        new = tier.rank if tier else -1
        counts["up" if new > old else "down" if new < old else "same"] += 1
        if old != new:
            # Tell the consumer (and what the next tier takes), once per recompute.
            outbox_emit(
                topic=topics.LOYALTY_TIER_CHANGED,
                payload={"user": user_id, "old": row.tier_id, "new": tier.pk if tier else None},
                key=f"loyalty-tier-{user_id}-{now.isoformat()}",
            )
        row.tier = tier
        row.spend, row.orders, row.return_rate = act.spend, act.orders, act.return_rate
        row.computed_at = now
        if row.pk:
            row.save(update_fields=["tier", "spend", "orders", "return_rate", "computed_at"])
    if to_create:
        CustomerLoyalty.objects.bulk_create(to_create)
        access_cache.bump_all()  # names no single customer (their standing)
    return counts


@dataclass(frozen=True)
class Standing:
    """What a consumer's account page shows."""

    tier: LoyaltyTier | None
    activity: Activity
    next_tier: LoyaltyTier | None
    spend_needed: Decimal
    orders_needed: int


def standing(user, now: datetime | None = None) -> Standing:
    tiers = [t for t in LoyaltyTier.objects.filter(is_active=True).order_by("rank")]
    row = CustomerLoyalty.objects.select_related("tier").filter(user=user).first()
    act = (
        Activity(row.spend, row.orders, row.spend * row.return_rate)
        if row and row.computed_at
        else activity_of(user, now)
    )
    current = row.tier if row and row.tier and row.tier.is_active else tier_for(act, tiers)
    better = [t for t in tiers if current is None or t.rank > current.rank]
    nxt = better[0] if better else None
    return Standing(
        tier=current,
        activity=act,
        next_tier=nxt,
        spend_needed=max(ZERO, nxt.min_spend - act.spend) if nxt else ZERO,
        orders_needed=max(0, nxt.min_orders - act.orders) if nxt else 0,
    )
