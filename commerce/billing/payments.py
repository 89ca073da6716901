"""Payments received against invoices (staff, or an ERP/bank integration).

A payment is allocated to open invoices — as given, or oldest first — and
refused whole, with a clear message, if anything about it is wrong.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from commerce.billing.credit import (
    CreditError,
    _entry,
    credit_release_hold,
    lock,
    overdue_beyond_grace,
)
from commerce.billing.invoicing import refresh_status
from commerce.billing.models import CreditAccount, Invoice, LedgerEntry, Payment, PaymentAllocation
from commerce.core.locks import lock_invoices, retry_on_conflict
from commerce.core.money import quantize
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

Kind = LedgerEntry.Kind
OPEN = [Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID]


class PaymentRefused(CreditError):
    code = "payment_refused"


@retry_on_conflict
@transaction.atomic
def payment_record(
    *,
    account: CreditAccount,
    amount: Decimal,
    currency: str,
    received_on: date,
    reference: str,
    method: str = Payment.Method.BANK_TRANSFER,
    allocations: dict[str, Decimal] | None = None,
    actor=None,
) -> Payment:
    """Record a payment and allocate it to invoices (``{invoice number: amount}``,
    or oldest-due first when omitted).

    Lock order: the account (step 7), then its invoices in pk order (step 8)."""
    account = lock(account)
    if amount is None or amount <= 0:
        raise PaymentRefused("A payment must be for a positive amount.")
    if amount != quantize(amount, currency):
        raise PaymentRefused(f"Amounts in {currency} have at most two decimals.")
    if currency != account.currency:
        raise PaymentRefused(
            f"This account is kept in {account.currency}; "
            f"a payment in {currency} cannot be recorded."
        )
    if not reference.strip():
        raise PaymentRefused("Give the payment's reference (bank reference, cheque number...).")
    if received_on > timezone.localdate():
        raise PaymentRefused("A payment cannot be received in the future.")
    open_invoices = sorted(
        lock_invoices(Invoice.objects.filter(account=account)),
        key=lambda invoice: (invoice.due_on, invoice.number),
    )
    by_number = {i.number: i for i in open_invoices}
    plan: list[tuple[Invoice, Decimal]] = []
    if allocations:
        for number, part in allocations.items():
            invoice = by_number.get(number)
            if invoice is None:
                raise PaymentRefused(f"No invoice {number} on this account.")
            if part <= 0:
                raise PaymentRefused(f"The amount for {number} must be positive.")
            if invoice.balance <= 0:
                raise PaymentRefused(f"Invoice {number} is already paid.")
            if part > invoice.balance:
                raise PaymentRefused(
                    f"Invoice {number} has {invoice.balance} {currency} open; {part} is too much."
                )
            plan.append((invoice, part))
        if sum(p for _, p in plan) != amount:
            raise PaymentRefused("The allocations must add up to the payment amount.")
    else:
        left = amount
        for invoice in open_invoices:
            if left <= 0:
                break
            if invoice.balance <= 0:
                continue
            part = min(left, invoice.balance)
            plan.append((invoice, part))
            left -= part
        if left > 0:
            open_total = sum((i.balance for i in open_invoices if i.balance > 0), Decimal("0.00"))
            raise PaymentRefused(
                f"The payment ({amount} {currency}) is more than the open invoices "
                f"({open_total} {currency}). Nothing was recorded."
            )
    payment = Payment.objects.create(
        account=account,
        amount=amount,
        currency=currency,
        received_on=received_on,
        reference=reference.strip(),
        method=method,
        created_by=actor
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None,
    )
    for invoice, part in plan:
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=part)
        invoice.amount_paid += part
        refresh_status(invoice)
        invoice.save(update_fields=["amount_paid", "status"])
        _entry(
            account,
            Kind.PAYMENT,
            -part,
            invoice=invoice,
            payment=payment,
            actor=actor,
            reason=f"Payment {payment.reference} on {invoice.number}",
        )
    if account.on_credit_hold and account.hold_is_automatic and not overdue_beyond_grace(account):
        credit_release_hold(account=account, actor=actor, reason="Overdue balance paid")
    webhook_event(
        type=events.PAYMENT_RECORDED,
        data={
            "id": payment.pk,
            "account": account.pk,
            "company": account.company_id,
            "amount": events.money(payment.amount),
            "currency": payment.currency,
            "received_on": payment.received_on.isoformat(),
            "reference": payment.reference,
            "invoices": {invoice.number: events.money(part) for invoice, part in plan},
        },
    )
    return payment
