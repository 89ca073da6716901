"""Report figures, each from SQL aggregates in a fixed number of queries.

Sales count orders that went ahead: not pending approval, rejected or
cancelled. Money is the order's net total (excluding tax), in the shop
currency, quantized with ``commerce.core.money``. Every report takes the
staff member's company scope (``accounts.staff_policy.company_scope``), so a
sales rep's figures cover only the companies they represent.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DateField, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.staff_policy import company_scope, sees_all_companies
from commerce import sites
from commerce.approvals.models import ApprovalRequest
from commerce.billing import aging, credit
from commerce.billing.models import CreditAccount
from commerce.core.money import ZERO, quantize
from commerce.order import status as order_status

Order = get_model("order", "Order")
Line = get_model("order", "Line")

NOT_SALES = (order_status.PENDING_APPROVAL, order_status.REJECTED, order_status.CANCELLED)


@dataclass(frozen=True)
class Period:
    """Inclusive dates; either end may be open."""

    date_from: date | None = None
    date_to: date | None = None

    def bounds(self) -> dict:
        tz = timezone.get_current_timezone()
        bounds = {}
        if self.date_from:
            bounds["gte"] = datetime.combine(self.date_from, time.min, tzinfo=tz)
        if self.date_to:
            bounds["lt"] = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz)
        return bounds

    def filter(self, queryset, field: str):
        return queryset.filter(**{f"{field}__{op}": v for op, v in self.bounds().items()})


def _money(value) -> Decimal:
    return quantize(value if value is not None else ZERO)


def sales_orders(user, period: Period):
    orders = Order.objects.exclude(status__in=NOT_SALES)
    return period.filter(company_scope(orders, user), "date_placed")


# --- Sales by site and month ------------------------------------------------------------


@dataclass(frozen=True)
class SalesRow:
    month: date
    site: str
    orders: int
    net: Decimal


def sales_by_site_month(*, user, period: Period) -> list[SalesRow]:
    """Orders and net sales per month and site (one query)."""
    names = {pk: str(label) for pk, label in sites.site_labels().items()}
    rows = (
        sales_orders(user, period)
        .annotate(month=TruncMonth("date_placed", output_field=DateField()))
        .values("month", "site_id")
        .annotate(orders=Count("pk"), net=Sum("total_excl_tax"))
        .order_by("month", "site_id")
    )
    return [
        SalesRow(r["month"], names.get(r["site_id"], "Other"), r["orders"], _money(r["net"]))
        for r in rows
    ]


# --- Top products and companies -----------------------------------------------------------


@dataclass(frozen=True)
class ProductRow:
    sku: str
    title: str
    quantity: int
    net: Decimal


def top_products(*, user, period: Period, limit: int = 20) -> list[ProductRow]:
    lines = Line.objects.filter(order__in=sales_orders(user, period))
    rows = (
        lines.values("partner_sku", "title")
        .annotate(quantity=Sum("quantity"), net=Sum("line_price_excl_tax"))
        .order_by("-net", "partner_sku")[:limit]
    )
    return [ProductRow(r["partner_sku"], r["title"], r["quantity"], _money(r["net"])) for r in rows]


@dataclass(frozen=True)
class CompanyRow:
    company_id: int
    name: str
    orders: int
    net: Decimal


def top_companies(*, user, period: Period, limit: int = 20) -> list[CompanyRow]:
    rows = (
        sales_orders(user, period)
        .filter(company__isnull=False)
        .values("company_id", "company__name")
        .annotate(orders=Count("pk"), net=Sum("total_excl_tax"))
        .order_by("-net", "company__name")[:limit]
    )
    return [
        CompanyRow(r["company_id"], r["company__name"], r["orders"], _money(r["net"])) for r in rows
    ]


# --- Approval turnaround ------------------------------------------------------------------


@dataclass(frozen=True)
class TurnaroundRow:
    company: str
    month: date
    decided: int
    average_hours: Decimal
    median_hours: Decimal


def _hours(duration: timedelta) -> Decimal:
    return (Decimal(duration.total_seconds()) / 3600).quantize(Decimal("0.1"))


def approval_turnaround(*, user, period: Period) -> list[TurnaroundRow]:
    """Time from request to decision for decided requests (approved, rejected),
    by company and month requested: count and mean in SQL, the median from the
    same rows' durations (two queries)."""
    decided = period.filter(
        company_scope(ApprovalRequest.objects.filter(decided_at__isnull=False), user),
        "created_at",
    ).annotate(
        month=TruncMonth("created_at", output_field=DateField()),
        took=ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField()),
    )
    groups = (
        decided.values("company__name", "month")
        .annotate(decided=Count("pk"), average=Avg("took"))
        .order_by("company__name", "month")
    )
    durations: dict[tuple, list[timedelta]] = {}
    for name, month, took in decided.values_list("company__name", "month", "took"):
        durations.setdefault((name, month), []).append(took)
    return [
        TurnaroundRow(
            company=g["company__name"],
            month=g["month"],
            decided=g["decided"],
            average_hours=_hours(g["average"]),
            median_hours=_hours(statistics.median(durations[(g["company__name"], g["month"])])),
        )
        for g in groups
    ]


# --- Credit exposure and aging ------------------------------------------------------------


@dataclass(frozen=True)
class ExposureRow:
    account_id: int
    company: str
    limit: Decimal
    exposure: Decimal
    available: Decimal
    on_hold: bool
    currency: str


def scoped_accounts(user):
    return company_scope(
        CreditAccount.objects.filter(company__isnull=False).select_related("company"), user
    ).order_by("company__name")


def credit_exposure(*, user) -> list[ExposureRow]:
    """Limit, exposure and available credit per company, as ``credit.standing``
    computes them (``credit.standings``: two queries)."""
    accounts = list(scoped_accounts(user))
    standings = credit.standings(accounts)
    return [
        ExposureRow(
            account_id=a.pk,
            company=a.company.name,
            limit=standings[a.pk].limit,
            exposure=standings[a.pk].exposure,
            available=standings[a.pk].available,
            on_hold=standings[a.pk].on_hold,
            currency=a.currency,
        )
        for a in accounts
    ]


def credit_aging(*, user, today: date | None = None):
    """The billing aging report (every account), narrowed for a sales rep to the
    companies they represent."""
    accounts = None if sees_all_companies(user) else scoped_accounts(user)
    return aging.aging_report(today=today, accounts=accounts)
