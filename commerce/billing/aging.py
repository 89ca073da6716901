"""Receivables aging: open invoice balances by how long past due they are."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from commerce.billing.models import Invoice
from commerce.core.money import ZERO

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def bucket_of(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "current"
    if days_overdue <= 30:
        return "1-30"
    if days_overdue <= 60:
        return "31-60"
    if days_overdue <= 90:
        return "61-90"
    return "90+"


@dataclass
class AgingRow:
    name: str
    account_id: int
    buckets: dict = field(default_factory=lambda: OrderedDict((b, ZERO) for b in BUCKETS))

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


def aging_report(
    *, today: date | None = None, account=None, accounts=None
) -> tuple[list[AgingRow], AgingRow]:
    """Rows per account (name order) and the overall total, from open invoices (one query);
    ``account`` or ``accounts`` (a queryset) narrow it."""
    today = today or timezone.localdate()
    invoices = (
        Invoice.objects.exclude(status=Invoice.Status.PAID)
        .select_related("account__company", "account__user")
        .order_by("account_id")
    )
    if account is not None:
        invoices = invoices.filter(account=account)
    if accounts is not None:
        invoices = invoices.filter(account__in=accounts)
    rows: dict[int, AgingRow] = {}
    overall = AgingRow(name="All accounts", account_id=0)
    for invoice in invoices:
        balance = invoice.balance
        if balance <= 0:
            continue
        row = rows.get(invoice.account_id)
        if row is None:
            row = rows[invoice.account_id] = AgingRow(
                invoice.account.owner_name, invoice.account_id
            )
        bucket = bucket_of((today - invoice.due_on).days)
        row.buckets[bucket] += balance
        overall.buckets[bucket] += balance
    return sorted(rows.values(), key=lambda r: r.name.lower()), overall
