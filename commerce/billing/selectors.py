"""Read-only billing queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from commerce.billing.models import CreditAccount, Invoice, Payment
from commerce.core.money import ZERO


def invoices_of(account: CreditAccount | None) -> QuerySet:
    if account is None:
        return Invoice.objects.none()
    return (
        Invoice.objects.filter(account=account)
        .select_related("order")
        .order_by("-issued_on", "-number")
    )


def invoice_of(account: CreditAccount | None, number: str) -> Invoice | None:
    if account is None:
        return None
    return (
        Invoice.objects.filter(account=account, number=number)
        .select_related("order", "account__company", "account__user")
        .prefetch_related("lines", "allocations__payment", "credit_notes")
        .first()
    )


@dataclass(frozen=True)
class StatementRow:
    when: date
    document: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


def statement(account: CreditAccount) -> list[StatementRow]:
    """Invoices, payments and credit notes in date order with a running balance."""
    events = []
    for invoice in Invoice.objects.filter(account=account).select_related("order"):
        events.append(
            (
                invoice.issued_on,
                0,
                invoice.number,
                f"Invoice for order {invoice.order.number}",
                invoice.total,
                ZERO,
            )
        )
        for note in invoice.credit_notes.all():
            events.append(
                (
                    note.issued_on,
                    2,
                    note.number,
                    f"Credit note on {invoice.number}: {note.reason}",
                    ZERO,
                    note.amount,
                )
            )
    for payment in Payment.objects.filter(account=account):
        events.append(
            (
                payment.received_on,
                1,
                payment.reference,
                f"Payment ({payment.get_method_display()})",
                ZERO,
                payment.amount,
            )
        )
    rows, balance = [], ZERO
    for when, _order, document, description, debit, credit in sorted(
        events, key=lambda e: (e[0], e[1], e[2])
    ):
        balance += debit - credit
        rows.append(StatementRow(when, document, description, debit, credit, balance))
    return rows


def overdue_invoices(today: date | None = None) -> QuerySet:
    """Invoices with a balance left after their due date (``Invoice.is_overdue``)."""
    from django.db.models import F
    from django.utils import timezone

    return Invoice.objects.filter(
        due_on__lt=today or timezone.localdate(),
        total__gt=F("amount_paid") + F("amount_credited"),
    )
