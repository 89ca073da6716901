"""The dealer rows of the project's lock order (``commerce.core.locks``):
step 4b, an order's dealer routing (after the order row), and step 9b, dealer
stock by primary key (after the manufacturer's stock records)."""

from __future__ import annotations

from commerce.dealers.models import DealerRouting, DealerStock


def lock_routing(order) -> DealerRouting | None:
    """Step 4b: the order's routing row (one per order: every offer decision,
    re-route, shipment and delivery of the order is serialised on it)."""
    return (
        DealerRouting.objects.select_for_update(of=("self",))
        .select_related("dealer__company")
        .filter(order_id=order.pk)
        .first()
    )


def lock_dealer_stock(product_ids, dealer_ids=None) -> list[DealerStock]:
    """Step 9b: dealer stock rows of these products (of these dealers), pk order."""
    rows = DealerStock.objects.select_for_update().filter(product_id__in=set(product_ids))
    if dealer_ids is not None:
        rows = rows.filter(dealer_id__in=set(dealer_ids))
    return list(rows.order_by("pk"))
