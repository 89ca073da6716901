"""Read-only queries of instalments."""

from __future__ import annotations

from commerce.instalments.models import InstalmentPlan


def plan_of_order(order) -> InstalmentPlan | None:
    """The order's instalment plan, or None (one query)."""
    return InstalmentPlan.objects.filter(order_id=order.pk).first()
