"""Recompute every dealer's rating (``commerce.leads.rating``) from the last
90 days, into ``DealerProfile.rating`` (what routing ranks by). Six queries
plus one update per dealer whose rating changed."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from commerce.dealers.models import DealerOffer, DealerProfile, DealerRouting
from commerce.leads.models import Lead, LeadOffer, Survey
from commerce.leads.rating import WINDOW_DAYS, Rating, RatingInputs, dealer_rating

DECIDED = ("accepted", "rejected", "lapsed")


def rating_inputs(now=None) -> dict[int, RatingInputs]:
    now = now or timezone.now()
    since = now - timedelta(days=WINDOW_DAYS)
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for row in (
        Survey.objects.filter(answered_at__gte=since, stars__isnull=False)
        .values("dealer_id")
        .annotate(total=Sum("stars"), n=Count("pk"))
    ):
        counts[row["dealer_id"]]["stars_sum"] += row["total"] or 0
        counts[row["dealer_id"]]["answers"] += row["n"]
    for model in (DealerOffer, LeadOffer):
        for row in (
            model.objects.filter(offered_at__gte=since, status__in=DECIDED)
            .values("dealer_id")
            .annotate(n=Count("pk"), accepted=Count("pk", filter=Q(status="accepted")))
        ):
            counts[row["dealer_id"]]["decided"] += row["n"]
            counts[row["dealer_id"]]["accepted"] += row["accepted"]
    # A lead flagged stale (no outcome reported in time) counts against the
    # dealer as one more offer it did not take.
    for row in (
        Lead.objects.filter(stale_at__gte=since, dealer__isnull=False)
        .values("dealer_id")
        .annotate(n=Count("pk"))
    ):
        counts[row["dealer_id"]]["decided"] += row["n"]
    took = ExpressionWrapper(F("shipped_at") - F("accepted_at"), output_field=DurationField())
    shipped = (
        DealerRouting.objects.filter(
            shipped_at__gte=since, accepted_at__isnull=False, dealer__isnull=False
        )
        .annotate(took=took)
        .values_list("dealer_id", "took", "dealer__hours_to_ship")
    )
    for dealer_id, delta, hours in shipped:
        counts[dealer_id]["shipped"] += 1
        if delta <= timedelta(hours=hours):
            counts[dealer_id]["on_time"] += 1
    return {dealer_id: RatingInputs(**values) for dealer_id, values in counts.items()}


def ratings_now(now=None) -> dict[int, Rating]:
    """Every dealer's rating and its parts today (a dealer without history gets the prior)."""
    inputs = rating_inputs(now)
    return {
        pk: dealer_rating(inputs.get(pk, RatingInputs()))
        for pk in DealerProfile.objects.values_list("pk", flat=True)
    }


def ratings_recompute(now=None) -> int:
    """The scheduled job: store each dealer's rating; returns how many changed."""
    changed = 0
    current = dict(DealerProfile.objects.values_list("pk", "rating"))
    for pk, rating in ratings_now(now).items():
        if current.get(pk) != rating.value:
            DealerProfile.objects.filter(pk=pk).update(rating=rating.value)
            changed += 1
    return changed
