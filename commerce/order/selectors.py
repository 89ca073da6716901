"""Read-only order queries for both sites."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from oscar.core.loading import get_model

from commerce.order import status as order_status
from commerce.payments.services import REFUND_EVENT

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")


def company_orders(company, *, filters: dict | None = None) -> QuerySet:
    """A company's orders, newest first, with the buyer loaded; ``filters`` may
    hold buyer (user id), status, date_from, date_to, po and q (order number)."""
    orders = (
        Order.objects.filter(company=company)
        .select_related("user", "placed_by_staff")
        .order_by("-date_placed", "-pk")
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
        .select_related(
            "user",
            "placed_by_staff",
            "shipping_address__country",
            "billing_address__country",
            "company",
        )
        .prefetch_related("lines__product", "status_changes", "sources__transactions")
        .first()
    )


def storefront_spend_by_user(
    since: datetime,
) -> dict[int, tuple[Decimal | None, int, Decimal | None]]:
    """For every consumer with storefront orders since ``since`` that were not
    rejected or cancelled: user id -> (spend incl. tax, order count, refunded);
    two queries."""
    orders = Order.objects.filter(
        site_id=settings.STOREFRONT_SITE_ID, date_placed__gte=since, user__isnull=False
    ).exclude(status__in=[order_status.REJECTED, order_status.CANCELLED])
    totals = orders.values("user_id").annotate(spend=Sum("total_incl_tax"), n=Count("pk"))
    refunds = dict(
        PaymentEvent.objects.filter(order__in=orders, event_type__name=REFUND_EVENT)
        .values("order__user_id")
        .annotate(total=Sum("amount"))
        .values_list("order__user_id", "total")
    )
    return {row["user_id"]: (row["spend"], row["n"], refunds.get(row["user_id"])) for row in totals}
