"""When an order of a product leaves the warehouse: one pure function over the
facts the product page already has (stock, the partner's lead time, a known
back-in-stock date), the clock and the cut-off time. Working days are Monday
to Friday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

IN_STOCK = "in_stock"
LEAD_TIME = "lead_time"
BACK_IN_STOCK = "back_in_stock"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class DeliveryEstimate:
    kind: str  # IN_STOCK, LEAD_TIME, BACK_IN_STOCK or UNKNOWN
    dispatch_date: date | None  # None: nobody knows yet

    def as_text(self, today: date) -> str:
        if self.dispatch_date is None:
            return "Out of stock: no delivery date yet."
        when = _when(self.dispatch_date, today)
        if self.kind == IN_STOCK:
            return f"In stock: ships {when}."
        if self.kind == BACK_IN_STOCK:
            return f"Back in stock soon: ships {when}."
        return f"Made to order: ships {when}."

    def as_data(self) -> dict:
        return {
            "kind": self.kind,
            "dispatch_date": self.dispatch_date.isoformat() if self.dispatch_date else None,
        }


def _when(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return f"{day:%A}, {day.day} {day:%B}"


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the Monday after."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, days: int) -> date:
    day = next_working_day(day)
    for _ in range(max(days, 0)):
        day = next_working_day(day + timedelta(days=1))
    return day


def delivery_estimate(
    *,
    now: datetime,
    in_stock: bool,
    cutoff: time,
    handling_days: int = 0,
    lead_time_days: int | None = None,
    back_in_stock: date | None = None,
) -> DeliveryEstimate:
    """The dispatch date of an order placed at ``now`` (local time).

    In stock: today when ordered before ``cutoff`` on a working day, else the
    next working day, plus ``handling_days`` working days. Out of stock: from
    a known ``back_in_stock`` date (the first working day on or after it), or
    else ``lead_time_days`` working days after the order day; neither known
    gives no date."""
    ordered = now.date()
    if not is_working_day(ordered) or now.time() >= cutoff:
        ordered = next_working_day(ordered + timedelta(days=1))
    if in_stock:
        return DeliveryEstimate(IN_STOCK, add_working_days(ordered, handling_days))
    if back_in_stock is not None:
        start = max(back_in_stock, ordered)
        return DeliveryEstimate(BACK_IN_STOCK, add_working_days(start, handling_days))
    if lead_time_days is not None:
        return DeliveryEstimate(LEAD_TIME, add_working_days(ordered, lead_time_days))
    return DeliveryEstimate(UNKNOWN, None)


def estimate_for_stock(
    *, stockrecord, available: bool, now: datetime | None = None, lead_times=None
):
    """The estimate for a product page: ``available`` as the strategy says, the
    settings' cut-off and handling days; the partner's lead time and the stock
    record's back-in-stock date are read only when it is not available (from
    ``lead_times``, partner id -> days, when a list page loaded them at once).
    None when the product has no stock record (it is not sold)."""
    from django.conf import settings
    from django.utils import timezone

    if stockrecord is None:
        return None
    now = timezone.localtime(now)
    hours, _, minutes = settings.DELIVERY_CUTOFF.partition(":")
    facts = {}
    if not available:
        facts = {
            "lead_time_days": (
                lead_times.get(stockrecord.partner_id)
                if lead_times is not None
                else stockrecord.partner.lead_time_days
            ),
            "back_in_stock": stockrecord.back_in_stock,
        }
    return delivery_estimate(
        now=now.replace(tzinfo=None),
        in_stock=available,
        cutoff=time(int(hours), int(minutes or 0)),
        handling_days=settings.DELIVERY_HANDLING_DAYS,
        **facts,
    )


def lead_times_of(partner_ids) -> dict[int, int | None]:
    """The lead times of partners, in one query (for a page of products)."""
    from oscar.core.loading import get_model

    Partner = get_model("partner", "Partner")
    return dict(Partner.objects.filter(pk__in=set(partner_ids)).values_list("pk", "lead_time_days"))


def estimate_period(now: datetime | None = None) -> str:
    """What a delivery estimate shown now depends on besides stock: the local
    day and whether the dispatch cut-off has passed. Cached pages that show an
    estimate carry it in their key, so none outlives the cut-off or the day."""

    now = timezone.localtime(now)
    hours, _, minutes = settings.DELIVERY_CUTOFF.partition(":")
    after = now.time() >= time(int(hours), int(minutes or 0))
    return f"{now.date().isoformat()}{'a' if after else 'b'}"
