"""Which approval rules an order matches (read-only; a few queries per order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.approvals.models import ApprovalRule
from commerce.core.money import ZERO, quantize
from commerce.core.templatetags.money import money
from commerce.households import budget as household_budget
from commerce.order import status as order_status

Order = get_model("order", "Order")
ProductCategory = get_model("catalogue", "ProductCategory")
Kind = ApprovalRule.Kind


@dataclass(frozen=True)
class Match:
    rule_id: int
    kind: str
    message: str
    approvals: int

    def as_dict(self) -> dict:
        return {
            "rule": self.rule_id,
            "kind": self.kind,
            "message": self.message,
            "approvals": self.approvals,
        }


@dataclass(frozen=True)
class Evaluation:
    matches: tuple[Match, ...]
    month_spend: Decimal = ZERO

    @property
    def required(self) -> bool:
        return bool(self.matches)

    @property
    def approvals_required(self) -> int:
        return max((m.approvals for m in self.matches), default=0)

    @property
    def summary(self) -> str:
        return "; ".join(m.message for m in self.matches)


def month_spend(membership, at: datetime | None = None, exclude_order_id=None) -> Decimal:
    """What this buyer ordered for the company this calendar month: goods net
    of tax and delivery (what rules compare with), pending orders included,
    rejected and cancelled ones not (nor ``exclude_order_id``, an order being
    edited)."""
    at = timezone.localtime(at or timezone.now())
    start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    orders = Order.objects.filter(
        company_id=membership.company_id, user_id=membership.user_id, date_placed__gte=start
    )
    if exclude_order_id is not None:
        orders = orders.exclude(pk=exclude_order_id)
    total = orders.exclude(status__in=[order_status.REJECTED, order_status.CANCELLED]).aggregate(
        total=Sum(F("total_excl_tax") - F("shipping_excl_tax"))
    )["total"]
    return quantize(total or ZERO)


def _restricted(rule, product_ids) -> list[str]:
    """Names of the rule's categories that the products fall in (or below)."""
    categories = list(rule.categories.all())
    if not categories or not product_ids:
        return []
    condition = Q()
    for category in categories:
        condition |= Q(category__path__startswith=category.path)
    hit_paths = set(
        ProductCategory.objects.filter(condition, product_id__in=product_ids).values_list(
            "category__path", flat=True
        )
    )
    return [c.name for c in categories if any(p.startswith(c.path) for p in hit_paths)]


def evaluate_basket(*, company, membership, basket) -> Evaluation:
    """``evaluate`` for an order of ``basket`` (the checkout preview and placement ask the same)."""
    return evaluate(
        company=company,
        membership=membership,
        total_net=basket.total_excl_tax,
        product_ids=[line.product_id for line in basket.all_lines()],
    )


def evaluate(
    *, company, membership, total_net: Decimal, product_ids, at=None, exclude_order_id=None
) -> Evaluation:
    """The rules of ``company`` that an order of ``total_net`` (goods, net) with
    ``product_ids`` by ``membership`` matches (``exclude_order_id``: the order
    being edited, left out of the month's spend)."""
    rules = list(
        ApprovalRule.objects.filter(company=company, is_active=True).prefetch_related("categories")
    )
    if not rules or membership is None:
        return Evaluation(())
    spent = None
    matches = []
    for rule in rules:
        mine = rule.member_id == membership.pk
        message = None
        if rule.kind == Kind.ORDER_TOTAL and rule.amount is not None and total_net > rule.amount:
            message = f"over the company's {money(rule.amount)} order threshold"
        elif (
            rule.kind == Kind.BUYER_ORDER_LIMIT
            and mine
            and rule.amount is not None
            and total_net > rule.amount
        ):
            message = f"over your {money(rule.amount)} order limit"
        elif rule.kind == Kind.BUYER_MONTHLY_BUDGET and mine and rule.amount is not None:
            spent = month_spend(membership, at, exclude_order_id) if spent is None else spent
            if spent + total_net > rule.amount:
                message = (
                    f"over your monthly budget of {money(rule.amount)} "
                    f"({money(spent)} already this month)"
                )
        elif rule.kind == Kind.CATEGORY:
            names = _restricted(rule, list(product_ids))
            if names:
                message = "contains products from " + ", ".join(names)
        elif rule.kind == Kind.MEMBER and mine:
            message = "all your orders need approval"
        if message is None:
            continue
        two = rule.two_approvals_over is not None and total_net > rule.two_approvals_over
        matches.append(Match(rule.pk, rule.kind, message, 2 if two else 1))
    return Evaluation(tuple(matches), spent if spent is not None else ZERO)


HOUSEHOLD_BUDGET = "household_budget"


def evaluate_household(*, member, total: Decimal, at=None) -> Evaluation:
    """A household member's order of ``total`` (as paid) against what is left
    of their monthly budget and the household's (``commerce.households.budget``):
    over it, the owner approves (one approval)."""
    if member is None:
        return Evaluation(())
    standing = household_budget.standing(member, at)
    matches = tuple(Match(0, HOUSEHOLD_BUDGET, message, 1) for message in standing.over(total))
    return Evaluation(matches, standing.spent)
