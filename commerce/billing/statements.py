"""The account statement: open items, payments, aging buckets and the
balance, as data (portal page, API), as a PDF, and emailed monthly to the
company's billing contacts (a beat task writes one outbox row per account and
month; the handler sends the PDF)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce.billing import aging, selectors, topics
from commerce.billing.models import (
    CreditAccount,
    Invoice,
    Payment,
    StatementDispatch,
    payment_instructions,
    seller,
)
from commerce.core.money import ZERO
from commerce.core.pdf import render_pdf
from commerce.outbox.services import outbox_emit


@dataclass
class Statement:
    account: CreditAccount
    today: date
    currency: str
    open_items: list[dict] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    rows: list = field(default_factory=list)
    aging: dict = field(default_factory=dict)
    balance: Decimal = ZERO

    @property
    def seller(self) -> dict:
        return seller()

    @property
    def payment_instructions(self) -> dict:
        return payment_instructions(self.reference)

    @property
    def reference(self) -> str:
        return f"ACCOUNT-{self.account.pk}"

    @property
    def customer(self) -> str:
        return self.account.owner_name


def statement_for(account: CreditAccount, today: date | None = None) -> Statement:
    """Open invoices with their balance and aging bucket, payments received,
    the running ledger, aging totals and the balance (a few queries)."""
    today = today or timezone.localdate()
    statement = Statement(account=account, today=today, currency=account.currency)
    statement.aging = {bucket: ZERO for bucket in aging.BUCKETS}
    invoices = (
        Invoice.objects.filter(account=account).select_related("order").order_by("due_on", "pk")
    )
    for invoice in invoices:
        balance = invoice.balance
        if balance <= 0:
            continue
        days = invoice.days_overdue(today)
        bucket = aging.bucket_of((today - invoice.due_on).days)
        statement.aging[bucket] += balance
        statement.balance += balance
        statement.open_items.append(
            {
                "invoice": invoice.number,
                "order": invoice.order.number,
                "issued": invoice.issued_on,
                "due": invoice.due_on,
                "total": invoice.total,
                "paid": invoice.amount_paid,
                "credited": invoice.amount_credited,
                "balance": balance,
                "days_overdue": days,
                "bucket": bucket,
            }
        )
    statement.payments = list(Payment.objects.filter(account=account).order_by("-received_on"))
    statement.rows = selectors.statement(account)
    return statement


def statement_data(statement: Statement) -> dict:
    """The statement as JSON-safe data (money as strings)."""

    def money(value) -> str:
        return f"{value:.2f}"

    return {
        "customer": statement.customer,
        "date": statement.today.isoformat(),
        "currency": statement.currency,
        "balance": money(statement.balance),
        "aging": {bucket: money(amount) for bucket, amount in statement.aging.items()},
        "open_items": [
            {
                **item,
                "issued": item["issued"].isoformat(),
                "due": item["due"].isoformat(),
                **{k: money(item[k]) for k in ("total", "paid", "credited", "balance")},
            }
            for item in statement.open_items
        ],
        "payments": [
            {
                "received_on": p.received_on.isoformat(),
                "reference": p.reference,
                "method": p.method,
                "amount": money(p.amount),
            }
            for p in statement.payments
        ],
        "ledger": [
            {
                "date": row.when.isoformat(),
                "document": row.document,
                "description": row.description,
                "debit": money(row.debit),
                "credit": money(row.credit),
                "balance": money(row.balance),
            }
            for row in statement.rows
        ],
        "seller": statement.seller,
        "payment_instructions": statement.payment_instructions,
    }


def statement_pdf(statement: Statement) -> bytes:
    return render_pdf("pdf/statement.html", {"statement": statement})


def statement_filename(statement: Statement) -> str:
    return f"statement-{statement.account.pk}-{statement.today.isoformat()}.pdf"


def statements_schedule(today: date | None = None) -> int:
    """Monthly: one outbox row per company account and month (a second run in
    the same month writes nothing)."""
    today = today or timezone.localdate()
    period = today.strftime("%Y-%m")
    queued = 0
    for account in CreditAccount.objects.filter(company__isnull=False, is_active=True):
        try:
            with transaction.atomic():
                StatementDispatch.objects.create(account=account, period=period)
                outbox_emit(
                    topic=topics.STATEMENT_EMAIL,
                    payload={"account": account.pk, "date": today.isoformat()},
                )
                queued += 1
        except IntegrityError:
            continue
    return queued
