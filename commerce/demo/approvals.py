"""Demo purchase approval: Acme approves orders over 1,000.00 (two approvers
over 10,000.00) and gives buyer@acme.example a 20,000.00 monthly budget."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.models import Company, Membership
from commerce.approvals.models import ApprovalRule
from commerce.approvals.services import record


@transaction.atomic
def seed_approvals(companies: dict[str, Company]) -> None:
    acme = companies["Acme Industrial"]
    if ApprovalRule.objects.filter(company=acme).exists():
        return
    ApprovalRule.objects.create(
        company=acme,
        kind=ApprovalRule.Kind.ORDER_TOTAL,
        amount=Decimal("1000.00"),
        two_approvals_over=Decimal("10000.00"),
    )
    buyer = Membership.objects.filter(company=acme, user__email="buyer@acme.example").first()
    if buyer is not None:
        ApprovalRule.objects.create(
            company=acme,
            kind=ApprovalRule.Kind.BUYER_MONTHLY_BUDGET,
            amount=Decimal("20000.00"),
            member=buyer,
        )
    record(
        company=acme,
        kind="rule_created",
        message="Demo rules: approval over 1,000.00 (two over 10,000.00), buyer budget 20,000.00",
    )
