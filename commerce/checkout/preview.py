"""What a checkout would cost and what would happen, before the buyer confirms:
the total per delivery option, the credit the company has left, whether
the order would wait for approval, and the instalment plans a consumer may
choose with their schedules. Every checkout page asks here, with the same
calculations placement makes (``commerce.checkout.placement``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypedDict

from django.utils import timezone

from commerce import sites
from commerce.approvals import rules as approval_rules
from commerce.billing import credit
from commerce.checkout.placement import totals
from commerce.households import budget as household_budget
from commerce.instalments import services as instalments
from commerce.instalments.schedule import Part, schedule
from commerce.shipping.repository import methods_for


class DeliveryOption(TypedDict):
    method: object
    charge: object  # the delivery charge
    total: object  # the order total with it


@dataclass(frozen=True)
class CheckoutPreview:
    options: list[DeliveryOption] = field(default_factory=list)
    # The company's credit account (None without terms) and its standing when
    # it is active (what it may still draw on).
    account: object | None = None
    credit: object | None = None
    # The approval rules' evaluation for this basket (None off the portal).
    approval: object | None = None


def delivery_options(basket, channel: str) -> list[DeliveryOption]:
    options = []
    for method in methods_for(channel):
        charge, total = totals(basket, method)
        options.append(DeliveryOption(method=method, charge=charge, total=total))
    return options


def checkout_preview(basket, *, channel: str, company=None, membership=None) -> CheckoutPreview:
    """The preview of ``basket`` on ``channel``; for a company (portal) with its
    credit standing and the approval rules' verdict."""
    options = delivery_options(basket, channel)
    if company is None:
        return CheckoutPreview(options=options)
    account = credit.account_for_company(company)
    return CheckoutPreview(
        options=options,
        account=account,
        credit=credit.standing(account) if account is not None and account.is_active else None,
        approval=approval_rules.evaluate_basket(
            company=company, membership=membership, basket=basket
        ),
    )


@dataclass(frozen=True)
class InstalmentOption:
    """Paying the order in ``count`` monthly parts at 0 %: the schedule the
    order's plan will get (the first part is charged to the card today)."""

    count: int
    total: Decimal
    currency: str
    parts: tuple[Part, ...]

    @property
    def first(self) -> Decimal:
        return self.parts[0].amount

    @property
    def monthly(self) -> Decimal:
        return self.parts[-1].amount


def instalment_options(
    basket, *, channel: str, user, method, today: date | None = None
) -> list[InstalmentOption]:
    """The instalment plans ``user`` may pay ``basket`` in with delivery
    ``method`` (empty off the storefront, for guests and when the basket or the
    buyer does not qualify)."""
    if channel != sites.STOREFRONT or method is None:
        return []
    if user is None or not user.is_authenticated:
        return []
    _charge, total = totals(basket, method)
    amount, currency = total.incl_tax, total.currency
    start = today or timezone.localdate()
    return [
        InstalmentOption(
            count=count,
            total=amount,
            currency=currency,
            parts=tuple(schedule(amount, count, currency, start=start)),
        )
        for count in instalments.instalments_offer(
            user=user, basket=basket, total=amount, currency=currency
        )
    ]


def household_preview(user, total) -> object | None:
    """For a household member on the storefront: the budget's verdict on an
    order of ``total`` (an approval ``Evaluation``, ``required`` when it would
    wait for the owner), with the member's standing; None for everyone else."""
    member = household_budget.membership_of(user)
    if member is None or total is None:
        return None
    return {
        "member": member,
        "standing": household_budget.standing(member),
        "approval": approval_rules.evaluate_household(member=member, total=total.incl_tax),
    }
