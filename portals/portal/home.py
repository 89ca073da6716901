"""What the portal home shows a member, by what their role may do: recent
orders, orders waiting for their approval, their budget this month, the
company's credit and overdue invoices. A fixed number of queries whatever the
company's size (each list is capped; sums are done by the database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Company
from accounts.policy import Action
from commerce.approvals.models import ApprovalRequest, ApprovalRule
from commerce.approvals.rules import month_spend
from commerce.billing import credit
from commerce.billing import selectors as billing_selectors
from commerce.billing.models import CreditAccount
from commerce.core.money import ZERO, quantize
from commerce.order import selectors as order_selectors

RECENT_ORDERS = 5
WAITING_SHOWN = 5
OVERDUE_SHOWN = 5


@dataclass(frozen=True)
class Budget:
    limit: Decimal
    used: Decimal

    @property
    def left(self) -> Decimal:
        return max(ZERO, self.limit - self.used)

    @property
    def percent_used(self) -> int:
        if self.limit <= 0:
            return 100
        return min(100, int(self.used * 100 / self.limit))


@dataclass(frozen=True)
class Overdue:
    invoices: list
    count: int
    total: Decimal


@dataclass
class PortalHome:
    recent_orders: list = field(default_factory=list)
    recent_are_mine: bool = True
    waiting_for_me: list = field(default_factory=list)
    waiting_count: int = 0
    my_pending: int = 0
    budget: Budget | None = None
    standing: credit.CreditStanding | None = None
    overdue: Overdue | None = None
    can_reorder: bool = False


def portal_home(membership) -> PortalHome:
    home = PortalHome()
    company = membership.company
    may = policy.allowed_actions(membership)
    home.can_reorder = Action.PLACE_ORDER in may
    if Action.VIEW_ORDERS in may:
        orders = order_selectors.company_orders(company)
        # A buyer starts from their own orders; approvers and admins oversee all.
        home.recent_are_mine = Action.APPROVE_ORDERS not in may
        if home.recent_are_mine:
            orders = orders.filter(user_id=membership.user_id)
        home.recent_orders = list(orders[:RECENT_ORDERS])
    if Action.PLACE_ORDER in may:
        home.my_pending = ApprovalRequest.objects.filter(
            company=company,
            requested_by_id=membership.user_id,
            status=ApprovalRequest.Status.PENDING,
        ).count()
        home.budget = _budget(membership)
    if Action.APPROVE_ORDERS in may:
        waiting = (
            ApprovalRequest.objects.filter(company=company, status=ApprovalRequest.Status.PENDING)
            .exclude(requested_by_id=membership.user_id)
            .select_related("order", "requested_by")
            .order_by("created_at", "pk")
        )
        home.waiting_for_me = list(waiting[:WAITING_SHOWN])
        home.waiting_count = waiting.count()
    if Action.VIEW_INVOICES in may or Action.PLACE_ORDER in may:
        account = credit.account_for_company(company)
        if account is not None and account.is_active:
            home.standing = credit.standing(account)
            if Action.VIEW_INVOICES in may:
                home.overdue = _overdue(account)
    return home


def _budget(membership) -> Budget | None:
    rule = (
        ApprovalRule.objects.filter(
            company_id=membership.company_id,
            member=membership,
            kind=ApprovalRule.Kind.BUYER_MONTHLY_BUDGET,
            is_active=True,
            amount__isnull=False,
        )
        .order_by("amount")
        .first()
    )
    if rule is None:
        return None
    return Budget(limit=rule.amount, used=month_spend(membership, timezone.now()))


def _overdue(account) -> Overdue:
    invoices = billing_selectors.overdue_invoices().filter(account=account)
    shown = list(invoices.select_related("order").order_by("due_on", "number")[:OVERDUE_SHOWN])
    totals = invoices.aggregate(
        count=Count("pk"), total=Sum(F("total") - F("amount_paid") - F("amount_credited"))
    )
    return Overdue(
        invoices=shown,
        count=totals["count"] or 0,
        total=quantize(totals["total"] or ZERO, account.currency),
    )


_UNKNOWN = object()


def credit_hold_reasons() -> Subquery:
    """The hold reason of a company's credit account when it is on hold, else
    NULL: an annotation over rows with a ``company_id`` (``credit_hold_of``)."""
    return Subquery(
        CreditAccount.objects.filter(company_id=OuterRef("company_id"), on_credit_hold=True)
        .order_by("pk")
        .values("hold_reason")[:1]
    )


def credit_hold_of(company, *, hold_reason=_UNKNOWN) -> str | None:
    """Why the company is on credit hold (for the banner on every portal page),
    or None when it is not. At most one query; none when ``hold_reason`` (the
    ``credit_hold_reasons`` annotation, loaded with the company) is given."""
    if company.status == Company.Status.ON_HOLD:
        return _("the company is on hold")
    reason = hold_reason
    if reason is _UNKNOWN:
        reason = (
            CreditAccount.objects.filter(company=company, on_credit_hold=True)
            .values_list("hold_reason", flat=True)
            .first()
        )
    if reason is None:
        return None
    return (reason or _("your account is on credit hold")).rstrip(".")
