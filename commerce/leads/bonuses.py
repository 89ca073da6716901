"""The partner programme: monthly bonuses per dealer tier, into the dealer ledger.

``bonus_lines`` is pure (hand-checkable); ``bonuses_post_month`` computes
every partner dealer's lines for a month from the analytics (actual = net
revenue of accepted orders + leads won, the month's plan) and the surveys,
and posts each line once (a second run of the same month changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from commerce.core.money import ZERO, quantize
from commerce.dealers.models import DealerLedgerEntry
from commerce.leads.analytics import _end, _start, dealer_figures
from commerce.leads.models import BonusLine, DealerPartner, Survey

SATISFIED_STARS = 4


@dataclass(frozen=True)
class Line:
    kind: str
    amount: Decimal
    explanation: str


def bonus_lines(
    *, tier, actual: Decimal, plan: Decimal | None, satisfied: int, currency: str = "EUR"
) -> list[Line]:
    """The month's bonus lines of a dealer of ``tier``; zero lines are left out."""
    lines = []
    attainment = (actual / plan) if plan else None
    if plan and tier.over_plan_percent and actual > plan:
        over = actual - plan
        amount = quantize(over * tier.over_plan_percent / 100, currency)
        lines.append(
            Line(
                BonusLine.Kind.OVER_PLAN,
                amount,
                f"{tier.over_plan_percent}% of {quantize(over)} over plan "
                f"(actual {quantize(actual)} - plan {quantize(plan)}) = {amount}",
            )
        )
    if tier.per_satisfied_order and satisfied:
        amount = quantize(tier.per_satisfied_order * satisfied, currency)
        lines.append(
            Line(
                BonusLine.Kind.SATISFIED,
                amount,
                f"{satisfied} satisfied orders/leads x {tier.per_satisfied_order} = {amount}",
            )
        )
    if tier.promotion_budget and (
        not tier.promotion_min_attainment
        or (attainment is not None and attainment >= tier.promotion_min_attainment)
    ):
        amount = quantize(tier.promotion_budget, currency)
        share = "" if attainment is None else f"; plan attained {attainment:.0%}"
        lines.append(
            Line(
                BonusLine.Kind.PROMOTION,
                amount,
                f"co-funded promotion budget {amount}{share}",
            )
        )
    return [line for line in lines if line.amount > ZERO]


def previous_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def bonuses_post_month(month: date | None = None) -> int:
    """Compute and post the partner bonuses of ``month`` (default: last month).
    Returns the number of new lines; idempotent per dealer, month and rule."""
    month = (month or previous_month()).replace(day=1)
    last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    partners = {p.dealer_id: p.tier for p in DealerPartner.objects.select_related("tier")}
    if not partners:
        return 0
    figures = {f.dealer_id: f for f in dealer_figures(month, last, dealer_ids=list(partners))}
    satisfied = dict(
        Survey.objects.filter(
            dealer_id__in=list(partners),
            stars__gte=SATISFIED_STARS,
            answered_at__gte=_start(month),
            answered_at__lt=_end(last),
        )
        .values("dealer_id")
        .annotate(n=Count("pk"))
        .values_list("dealer_id", "n")
    )
    done = set(BonusLine.objects.filter(month=month).values_list("dealer_id", "kind"))
    posted = 0
    for dealer_id, tier in sorted(partners.items()):
        f = figures[dealer_id]
        for line in bonus_lines(
            tier=tier, actual=f.actual, plan=f.plan, satisfied=satisfied.get(dealer_id, 0)
        ):
            if (dealer_id, line.kind) in done or line.amount <= ZERO:
                continue
            try:
                with transaction.atomic():
                    entry = DealerLedgerEntry.objects.create(
                        dealer_id=dealer_id,
                        kind=DealerLedgerEntry.Kind.BONUS,
                        amount=line.amount,
                        memo=f"Partner bonus {month:%Y-%m}: {line.explanation}"[:255],
                    )
                    BonusLine.objects.create(
                        dealer_id=dealer_id,
                        month=month,
                        kind=line.kind,
                        amount=line.amount,
                        explanation=line.explanation[:255],
                        entry=entry,
                    )
            except IntegrityError:
                continue  # posted meanwhile by another run
            posted += 1
    return posted
