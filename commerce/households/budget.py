"""What a household member may still spend this month (read-only).

A member's spending is the total (as paid: goods, delivery and tax) of their
storefront orders placed this calendar month in the project's time zone since
they joined, pending approval included, rejected and cancelled ones not.
Orders someone else paid through a shared basket are not the member's money
and do not count. The household's own monthly budget, when set, is shared by
all its members' orders. Placement checks this under the household's row lock
(``commerce.core.locks``, step 3b), so two orders at once cannot both spend
the last of a budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.core.money import ZERO, quantize
from commerce.core.templatetags.money import money
from commerce.households.models import Household, HouseholdMember
from commerce.order import status as order_status

Order = get_model("order", "Order")

_NOT_SPENT = (order_status.REJECTED, order_status.CANCELLED)


def month_start(at: datetime | None = None) -> datetime:
    """Midnight on the first of ``at``'s month, in the project's time zone."""
    local = timezone.localtime(at or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def membership_of(user) -> HouseholdMember | None:
    """The active household membership of ``user`` (a person is in one household at most)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        HouseholdMember.objects.filter(user=user, is_active=True)
        .select_related("household", "household__owner", "user")
        .first()
    )


def _spent(orders) -> Decimal:
    total = (
        orders.filter(company__isnull=True, paid_by__isnull=True)
        .exclude(status__in=_NOT_SPENT)
        .aggregate(total=Sum("total_incl_tax"))["total"]
    )
    return quantize(total or ZERO)


def member_spent(member: HouseholdMember, at: datetime | None = None) -> Decimal:
    since = max(month_start(at), member.joined_at)
    return _spent(Order.objects.filter(user_id=member.user_id, date_placed__gte=since))


def _household_orders(household: Household, at: datetime | None):
    """This month's orders of ``household``'s active members, each since they joined."""
    return Order.objects.filter(
        user__household_memberships__household=household,
        user__household_memberships__is_active=True,
        user__household_memberships__joined_at__lte=F("date_placed"),
        date_placed__gte=month_start(at),
        company__isnull=True,
        paid_by__isnull=True,
    ).exclude(status__in=_NOT_SPENT)


def household_spent(household: Household, at: datetime | None = None) -> Decimal:
    """All active members' spending this month (each since they joined)."""
    return _spent(_household_orders(household, at))


@dataclass(frozen=True)
class Standing:
    """A member's budget this month, and the household's when it has one."""

    budget: Decimal
    spent: Decimal
    household_budget: Decimal | None = None
    household_spent: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        left = self.budget - self.spent
        if self.household_budget is not None:
            left = min(left, self.household_budget - self.household_spent)
        return max(left, ZERO)

    def over(self, amount: Decimal) -> list[str]:
        """Why an order of ``amount`` is over budget (empty when it fits)."""
        reasons = []
        if self.spent + amount > self.budget:
            reasons.append(
                f"over your monthly household budget of {money(self.budget)} "
                f"({money(self.spent)} already this month)"
            )
        if (
            self.household_budget is not None
            and self.household_spent + amount > self.household_budget
        ):
            reasons.append(
                f"over the household's monthly budget of {money(self.household_budget)} "
                f"({money(self.household_spent)} already this month)"
            )
        return reasons


def standing(member: HouseholdMember, at: datetime | None = None) -> Standing:
    household = member.household
    return Standing(
        budget=member.monthly_budget,
        spent=member_spent(member, at),
        household_budget=household.monthly_budget,
        household_spent=(
            household_spent(household, at) if household.monthly_budget is not None else ZERO
        ),
    )


def standings(household: Household, members, at: datetime | None = None) -> dict[int, Standing]:
    """``standing`` of each of ``household``'s active ``members`` by member id,
    in one query whatever their number (for the owner's lists)."""
    by_user = dict(
        _household_orders(household, at)
        .order_by()
        .values("user_id")
        .annotate(total=Sum("total_incl_tax"))
        .values_list("user_id", "total")
    )
    together = quantize(sum(by_user.values(), ZERO))
    return {
        member.pk: Standing(
            budget=member.monthly_budget,
            spent=quantize(by_user.get(member.user_id) or ZERO),
            household_budget=household.monthly_budget,
            household_spent=together,
        )
        for member in members
    }
