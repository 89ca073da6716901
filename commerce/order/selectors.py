"""Read-only order queries for both sites."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from oscar.core.loading import get_model

Order = get_model("order", "Order")


def company_orders(company, *, filters: dict | None = None) -> QuerySet:
    """A company's orders, newest first, with the buyer loaded; ``filters`` may
    hold buyer (user id), status, date_from, date_to, po and q (order number)."""
    orders = (
        Order.objects.filter(company=company).select_related("user").order_by("-date_placed", "-pk")
    )
    filters = filters or {}
    if filters.get("buyer"):
        orders = orders.filter(user_id=filters["buyer"])
    if filters.get("status"):
        orders = orders.filter(status=filters["status"])
    if isinstance(filters.get("date_from"), date):
        orders = orders.filter(date_placed__date__gte=filters["date_from"])
    if isinstance(filters.get("date_to"), date):
        orders = orders.filter(date_placed__date__lte=filters["date_to"])
    if filters.get("po"):
        orders = orders.filter(po_number__icontains=filters["po"])
    if filters.get("q"):
        orders = orders.filter(
            Q(number__icontains=filters["q"]) | Q(po_number__icontains=filters["q"])
        )
    return orders


def order_for_company(company, number: str):
    """One of the company's orders with what its detail page shows, or None."""
    return (
        Order.objects.filter(company=company, number=number)
        .select_related("user", "shipping_address__country", "billing_address__country", "company")
        .prefetch_related("lines__product", "status_changes", "sources__transactions")
        .first()
    )
