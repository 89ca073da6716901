"""Members pay open invoices by card.

The card is authorized first, outside any transaction (a slow gateway holds no
row lock); the payment is then recorded by the one payment service
(``payments.payment_record``: credit account, then invoices, in the lock
order), which re-checks every balance under the locks. If anything refuses it
(a second payment got there first, the amount exceeds what is still open) the
authorization is voided and nothing is recorded; a declined card records
nothing at all. The capture and the receipt email are outbox rows of the
payment's transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from commerce.billing import topics
from commerce.billing.models import CreditAccount, Invoice, Payment
from commerce.billing.payments import PaymentRefused, payment_record
from commerce.core.locks import in_transaction
from commerce.core.money import quantize
from commerce.outbox.services import outbox_emit
from commerce.payments import services as card

OPEN = (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID)


def _plan(account: CreditAccount, parts: dict[str, Decimal | None]) -> dict[str, Decimal]:
    """``{invoice number: amount}`` checked without locks (the locked step checks again);
    an amount of None pays the invoice's whole balance."""
    if not parts:
        raise PaymentRefused("Select at least one invoice to pay.")
    invoices = {
        i.number: i for i in Invoice.objects.filter(account=account, number__in=list(parts))
    }
    plan: dict[str, Decimal] = {}
    for number, amount in parts.items():
        invoice = invoices.get(number)
        if invoice is None:
            raise PaymentRefused(f"No invoice {number} on this account.")
        if invoice.status not in OPEN or invoice.balance <= 0:
            raise PaymentRefused(f"Invoice {number} is already paid.")
        amount = invoice.balance if amount is None else amount
        if amount <= 0:
            raise PaymentRefused(f"The amount for {number} must be positive.")
        if amount != quantize(amount, account.currency):
            raise PaymentRefused(f"Amounts in {account.currency} have at most two decimals.")
        if amount > invoice.balance:
            raise PaymentRefused(
                f"Invoice {number} has {invoice.balance} {account.currency} open; "
                f"{amount} is too much."
            )
        plan[number] = amount
    return plan


def invoices_pay_by_card(
    *, account: CreditAccount, parts: dict[str, Decimal | None], card_token: str, actor
) -> Payment:
    """Pay ``parts`` (``{invoice number: amount or None for the balance}``) by card.
    Raises ``PaymentDeclined``/``PaymentUnavailable`` (nothing recorded) or
    ``PaymentRefused`` (the hold is voided, nothing recorded)."""
    if in_transaction():
        raise RuntimeError("Card payments authorize outside transactions.")
    if not (card_token or "").strip():
        raise PaymentRefused("Enter your card details.")
    plan = _plan(account, parts)
    total = sum(plan.values(), Decimal("0.00"))
    authorization = card.payment_authorize(
        token=card_token.strip(),
        amount=total,
        currency=account.currency,
        reference=",".join(sorted(plan)),
    )
    try:
        with transaction.atomic():
            payment = payment_record(
                account=account,
                amount=total,
                currency=account.currency,
                received_on=timezone.localdate(),
                reference=f"Card {authorization.card.label} {authorization.id}"[:100],
                method=Payment.Method.CARD,
                allocations=plan,
                actor=actor,
            )
            outbox_emit(
                topic=topics.CARD_PAYMENT,
                payload={
                    "payment": payment.pk,
                    "authorization": authorization.id,
                    "amount": str(total),
                },
            )
    except BaseException:
        card.payment_void_authorization(authorization)
        raise
    return payment
