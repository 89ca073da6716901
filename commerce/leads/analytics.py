"""Dealer analytics: each figure from SQL aggregates in a fixed number of
queries, whatever the number of dealers.

Definitions (dates inclusive, by the day an order was placed, an offer made,
a lead closed or a survey answered):

- ``orders``/``revenue``: orders routed to the dealer that it accepted
  (accepted, shipped or delivered), revenue their net total (excl. tax).
- ``acceptance_rate``: accepted / (accepted + rejected + lapsed) of the order
  and lead offers made to the dealer; None without any decided offer.
- ``time_to_accept_hours``/``time_to_ship_hours``: mean hours from offer to
  acceptance, and from acceptance to shipment.
- ``leads``: the funnel offered -> accepted -> quoted -> won (and lost, stale),
  with conversion from offered and the won value.
- ``satisfaction``: mean stars of answered surveys and their count.
- ``plan``: the sum of the dealer's monthly targets of the months in the range
  (None when none is set); ``actual``: revenue + value of leads won.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from commerce.core.money import ZERO, quantize
from commerce.dealers.models import DealerOffer, DealerProfile, DealerRouting
from commerce.leads.models import Attribution, Lead, LeadOffer, SalesPlan, Survey
from commerce.leads.rating import RatingInputs, dealer_rating
from commerce.leads.ratings import rating_inputs

TAKEN = ("accepted", "shipped", "delivered")


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def region_of(postcode: str) -> str:
    """The postcode region: its first two digits."""
    return (postcode or "").replace(" ", "")[:2]


def dealer_region(dealer: DealerProfile) -> str:
    prefixes = [str(p) for p in (dealer.postcode_prefixes or []) if p]
    return region_of(prefixes[0]) if prefixes else ""


def _months(date_from: date, date_to: date) -> list[date]:
    months, cursor = [], date_from.replace(day=1)
    while cursor <= date_to:
        months.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return months


def _rate(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _hours(delta) -> float | None:
    if delta is None:
        return None
    return round(delta.total_seconds() / 3600, 1)


def _hours_between(start: str, end: str):
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


@dataclass
class Figures:
    dealer_id: int
    name: str
    region: str
    orders: int = 0
    revenue: Decimal = ZERO
    accepted: int = 0
    rejected: int = 0
    lapsed: int = 0
    accept_hours: float | None = None
    ship_hours: float | None = None
    leads: dict = field(default_factory=dict)
    won_value: Decimal = ZERO
    stars_avg: Decimal | None = None
    answers: int = 0
    plan: Decimal | None = None
    by_month: dict = field(default_factory=dict)  # "YYYY-MM" -> {"plan", "actual"}
    rating: dict = field(default_factory=dict)

    @property
    def actual(self) -> Decimal:
        return quantize(self.revenue + self.won_value)

    @property
    def acceptance_rate(self) -> float | None:
        return _rate(self.accepted, self.accepted + self.rejected + self.lapsed)

    @property
    def attainment(self) -> float | None:
        if not self.plan:
            return None
        return _rate_money(self.actual, self.plan)

    def as_dict(self) -> dict:
        funnel = dict(self.leads)
        offered = funnel.get("offered", 0)
        return {
            "dealer": {"id": self.dealer_id, "name": self.name, "region": self.region},
            "region": self.region,
            "orders": self.orders,
            "revenue": str(quantize(self.revenue)),
            "acceptance_rate": self.acceptance_rate,
            "offers": {"accepted": self.accepted, "rejected": self.rejected, "lapsed": self.lapsed},
            "lapsed_offers": self.lapsed,
            "time_to_accept_hours": self.accept_hours,
            "time_to_ship_hours": self.ship_hours,
            "leads": {
                **funnel,
                "won_value": str(quantize(self.won_value)),
                "conversion": {
                    step: _rate(funnel.get(step, 0), offered)
                    for step in ("accepted", "quoted", "won")
                },
            },
            "satisfaction": {
                "average": None if self.stars_avg is None else str(self.stars_avg),
                "count": self.answers,
            },
            "plan": None if self.plan is None else str(quantize(self.plan)),
            "actual": str(self.actual),
            "attainment": self.attainment,
            "months": [
                {"month": month, **values} for month, values in sorted(self.by_month.items())
            ],
            "rating": self.rating,
        }


def _rate_money(part: Decimal, whole: Decimal) -> float:
    return float((part / whole).quantize(Decimal("0.0001"), ROUND_HALF_UP))


FUNNEL = ("offered", "accepted", "contacted", "quoted", "won", "lost", "stale")


def dealer_figures(date_from: date, date_to: date, dealer_ids=None) -> list[Figures]:
    """Figures of every dealer (or of ``dealer_ids``), best ``actual`` first; a
    fixed number of queries."""
    start, end = _start(date_from), _end(date_to)
    dealers = DealerProfile.objects.select_related("company").order_by("company__name", "pk")
    if dealer_ids is not None:
        dealers = dealers.filter(pk__in=list(dealer_ids))
    inputs = rating_inputs()
    figures = {
        d.pk: Figures(
            d.pk,
            d.company.name,
            dealer_region(d),
            leads=dict.fromkeys(FUNNEL, 0),
            # The stored rating (routing uses it) and today's parts of the formula.
            rating={
                **dealer_rating(inputs.get(d.pk, RatingInputs())).as_dict(),
                "rating": str(d.rating),
            },
        )
        for d in dealers
    }
    ids = list(figures)
    months = [m.strftime("%Y-%m") for m in _months(date_from, date_to)]
    for f in figures.values():
        f.by_month = {m: {"plan": None, "actual": ZERO} for m in months}

    orders = DealerRouting.objects.filter(
        dealer_id__in=ids,
        status__in=TAKEN,
        order__date_placed__gte=start,
        order__date_placed__lt=end,
    )
    for row in (
        orders.annotate(month=TruncMonth("order__date_placed"))
        .values("dealer_id", "month")
        .annotate(n=Count("pk"), net=Sum("order__total_excl_tax"))
    ):
        f = figures[row["dealer_id"]]
        f.orders += row["n"]
        f.revenue += row["net"] or ZERO
        _add_month(f, row["month"], row["net"] or ZERO)
    for row in (
        orders.filter(shipped_at__isnull=False)
        .values("dealer_id")
        .annotate(ship=Avg(_hours_between("accepted_at", "shipped_at")))
    ):
        figures[row["dealer_id"]].ship_hours = _hours(row["ship"])

    accept_sums: dict[int, list] = defaultdict(lambda: [timedelta(0), 0])
    for model in (DealerOffer, LeadOffer):
        for row in (
            model.objects.filter(dealer_id__in=ids, offered_at__gte=start, offered_at__lt=end)
            .values("dealer_id", "status")
            .annotate(n=Count("pk"), wait=Avg(_hours_between("offered_at", "decided_at")))
        ):
            f = figures[row["dealer_id"]]
            if row["status"] in ("accepted", "rejected", "lapsed"):
                setattr(f, row["status"], getattr(f, row["status"]) + row["n"])
            if row["status"] == "accepted" and row["wait"] is not None:
                accept_sums[f.dealer_id][0] += row["wait"] * row["n"]
                accept_sums[f.dealer_id][1] += row["n"]
            if model is LeadOffer:
                f.leads["offered"] += row["n"]
    for dealer_id, (total, n) in accept_sums.items():
        figures[dealer_id].accept_hours = _hours(total / n) if n else None

    leads = Lead.objects.filter(dealer_id__in=ids, accepted_at__gte=start, accepted_at__lt=end)
    for row in leads.values("dealer_id").annotate(
        accepted=Count("pk"),
        contacted=Count("pk", filter=_q(contacted_at__isnull=False)),
        quoted=Count("pk", filter=_q(quoted_at__isnull=False)),
        won=Count("pk", filter=_q(status="won")),
        lost=Count("pk", filter=_q(status="lost")),
        stale=Count("pk", filter=_q(stale_at__isnull=False)),
    ):
        f = figures[row["dealer_id"]]
        for key in ("accepted", "contacted", "quoted", "won", "lost", "stale"):
            f.leads[key] = row[key]
    for row in (
        Lead.objects.filter(
            dealer_id__in=ids,
            status=Lead.Status.WON,
            order__isnull=True,
            closed_at__gte=start,
            closed_at__lt=end,
        )
        .annotate(month=TruncMonth("closed_at"))
        .values("dealer_id", "month")
        .annotate(value=Sum("won_amount"))
    ):
        f = figures[row["dealer_id"]]
        f.won_value += row["value"] or ZERO
        _add_month(f, row["month"], row["value"] or ZERO)

    for row in (
        Survey.objects.filter(
            dealer_id__in=ids, answered_at__gte=start, answered_at__lt=end, stars__isnull=False
        )
        .values("dealer_id")
        .annotate(avg=Avg("stars"), n=Count("pk"))
    ):
        f = figures[row["dealer_id"]]
        f.answers = row["n"]
        f.stars_avg = Decimal(str(row["avg"])).quantize(Decimal("0.01"), ROUND_HALF_UP)

    for plan in SalesPlan.objects.filter(
        dealer_id__in=ids, month__gte=date_from.replace(day=1), month__lte=date_to
    ):
        f = figures[plan.dealer_id]
        f.plan = (f.plan or ZERO) + plan.target
        key = plan.month.strftime("%Y-%m")
        if key in f.by_month:
            f.by_month[key]["plan"] = str(quantize(plan.target))
    for f in figures.values():
        for values in f.by_month.values():
            values["actual"] = str(quantize(values["actual"]))
    return sorted(figures.values(), key=lambda f: (-f.actual, f.name, f.dealer_id))


def _q(**kwargs) -> Q:
    return Q(**kwargs)


def _add_month(f: Figures, month, amount: Decimal) -> None:
    key = timezone.localtime(month).strftime("%Y-%m") if isinstance(month, datetime) else ""
    if key in f.by_month:
        f.by_month[key]["actual"] += amount


def dealer_analytics(dealer: DealerProfile, date_from: date, date_to: date) -> dict:
    """One dealer's own figures, with its rank among all dealers (others anonymised)."""
    everyone = dealer_figures(date_from, date_to)
    mine = next(f for f in everyone if f.dealer_id == dealer.pk)
    data = mine.as_dict()
    data["from"], data["to"] = date_from.isoformat(), date_to.isoformat()
    data["rank"] = {
        "position": everyone.index(mine) + 1,
        "of": len(everyone),
        "board": [
            {
                "label": "You" if f.dealer_id == dealer.pk else f"Dealer {n}",
                "actual": str(f.actual),
            }
            for n, f in enumerate(everyone, start=1)
        ],
    }
    data["revenue_by_source"] = revenue_by_source(date_from, date_to, dealer_id=dealer.pk)
    return data


def region_table(date_from: date, date_to: date) -> list[dict]:
    """Plan vs actual per postcode region and month (actual: accepted dealer
    orders by delivery postcode, plus leads won); plan None where none is set."""
    start, end = _start(date_from), _end(date_to)
    cells: dict[tuple[str, str], dict] = {}

    def cell(region, month):
        return cells.setdefault((region, month), {"plan": None, "actual": ZERO})

    for postcode, month, net in (
        DealerRouting.objects.filter(
            status__in=TAKEN, order__date_placed__gte=start, order__date_placed__lt=end
        )
        .annotate(month=TruncMonth("order__date_placed"))
        .values_list("postcode", "month", "order__total_excl_tax")
    ):
        cell(region_of(postcode), timezone.localtime(month).strftime("%Y-%m"))["actual"] += (
            net or ZERO
        )
    for postcode, month, value in (
        Lead.objects.filter(
            status=Lead.Status.WON, order__isnull=True, closed_at__gte=start, closed_at__lt=end
        )
        .annotate(month=TruncMonth("closed_at"))
        .values_list("postcode", "month", "won_amount")
    ):
        cell(region_of(postcode), timezone.localtime(month).strftime("%Y-%m"))["actual"] += (
            value or ZERO
        )
    for plan in SalesPlan.objects.filter(
        dealer__isnull=True, month__gte=date_from.replace(day=1), month__lte=date_to
    ):
        cell(plan.region, plan.month.strftime("%Y-%m"))["plan"] = plan.target
    rows = []
    for (region, month), values in sorted(cells.items()):
        plan, actual = values["plan"], quantize(values["actual"])
        rows.append(
            {
                "region": region,
                "month": month,
                "plan": None if plan is None else str(quantize(plan)),
                "actual": str(actual),
                "missed": plan is not None and actual < plan,
            }
        )
    return rows


def revenue_by_source(date_from: date, date_to: date, dealer_id: int | None = None) -> dict:
    """Net revenue of storefront orders by how they came (attribution)."""
    start, end = _start(date_from), _end(date_to)
    rows = Attribution.objects.filter(order__date_placed__gte=start, order__date_placed__lt=end)
    if dealer_id is not None:
        rows = rows.filter(order__dealer_routing__dealer_id=dealer_id)
    out = {}
    for row in rows.values("source").annotate(n=Count("pk"), net=Sum("order__total_excl_tax")):
        out[row["source"]] = {"orders": row["n"], "revenue": str(quantize(row["net"] or ZERO))}
    return out
