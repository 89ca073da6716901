"""Demo purchase approval: Acme approves orders over 1,000.00 (two approvers
over 10,000.00) and gives buyer@acme.example a 20,000.00 monthly budget.

A few past requests, decided by the approver a few hours to a few days after
they came in, give the approval-turnaround report something to show; one more
waits in the approvers' inbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.models import Company, Membership
from catalog.visibility import visible_products
from commerce.approvals.models import ApprovalDecision, ApprovalRequest, ApprovalRule
from commerce.approvals.services import approval_decide, record
from commerce.demo.billing import place_demo_order
from commerce.demo.catalog import UPC_PREFIX

Product = get_model("catalogue", "Product")

# (days ago, hours the approver took, decision or None for still waiting, comment)
PAST_REQUESTS = [
    (40, 3, ApprovalDecision.Decision.APPROVE, "Planned maintenance stock."),
    (25, 30, ApprovalDecision.Decision.REJECT, "Over this quarter's tooling budget."),
    (9, 52, ApprovalDecision.Decision.APPROVE, "Agreed with the plant manager."),
    (0, None, None, ""),
]


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
    _past_requests(acme)


def _past_requests(acme: Company) -> None:
    people = {
        m.role: m.user
        for m in Membership.objects.filter(
            company=acme, user__email__in=["buyer@acme.example", "approver@acme.example"]
        ).select_related("user")
    }
    products = list(
        visible_products(
            Product.objects.filter(
                upc__startswith=UPC_PREFIX,
                min_order_quantity=1,
                order_multiple=1,
                max_order_quantity__isnull=True,
                stockrecords__num_in_stock__gte=200,
                stockrecords__price__gte=Decimal("20.00"),
            ),
            site="portal",
            company=acme,
        )
        .distinct()
        .order_by("upc")[10:14]
    )
    if len(people) < 2 or len(products) < 4:
        return
    now = timezone.now()
    for n, (days_ago, hours, decision, comment) in enumerate(PAST_REQUESTS):
        # Enough of one product to go over the 1,000.00 rule, under 10,000.00.
        price = products[n].stockrecords.order_by("pk").first().price
        quantity = min(int(Decimal("1500") / price) + 1, 150)
        order = place_demo_order(
            acme, people["buyer"], [(products[n], quantity)], f"PO-ACME-APR-{n + 1}"
        )
        request = getattr(order, "approval", None)
        if request is None or decision is None:
            continue
        approval_decide(
            request=request, approver=people["approver"], decision=decision, comment=comment
        )
        asked = now - timedelta(days=days_ago)
        ApprovalRequest.objects.filter(pk=request.pk).update(
            created_at=asked, decided_at=asked + timedelta(hours=hours)
        )
        request.decisions.update(created_at=asked + timedelta(hours=hours))
        type(order).objects.filter(pk=order.pk).update(date_placed=asked)
