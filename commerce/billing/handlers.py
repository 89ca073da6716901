"""Billing side effects from the outbox: invoice what shipped, email new invoices."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from commerce.billing import topics
from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import Invoice, InvoiceReminder
from commerce.billing.tasks import _invoice_url, _recipients
from commerce.core.emails import send_templated_email
from commerce.outbox.registry import register

TOPIC_ISSUE_INVOICE = topics.ISSUE_INVOICE


@register(topics.ISSUE_INVOICE)
def _issue_invoice(message) -> None:
    # Idempotent: a second run finds nothing left to invoice.
    invoice_for_shipped(order_id=message.payload["order"])


def send_invoice_email(invoice_id: int) -> int:
    invoice = Invoice.objects.select_related("account__company", "account__user", "order").get(
        pk=invoice_id
    )
    # The "issued" reminder row and the email go together: a failed send is retried.
    with transaction.atomic():
        try:
            with transaction.atomic():
                InvoiceReminder.objects.create(invoice=invoice, kind="issued")
        except IntegrityError:
            return 0  # already sent
        return send_templated_email(
            to=_recipients(invoice.account),
            template="invoice_issued",
            context={"invoice": invoice, "url": _invoice_url(invoice)},
        )


@register(topics.INVOICE_EMAIL)
def _invoice_email(message) -> None:
    send_invoice_email(message.payload["invoice"])


def capture_card_payment(authorization_id: str, amount: str) -> None:
    from decimal import Decimal

    from commerce.payments.gateway import get_gateway

    get_gateway().capture(authorization_id=authorization_id, amount=Decimal(amount))


def send_payment_receipt(payment_id: int) -> int:
    from commerce.billing.models import Payment

    payment = (
        Payment.objects.select_related("account__company", "account__user", "created_by")
        .prefetch_related("allocations__invoice")
        .get(pk=payment_id)
    )
    recipients = _recipients(payment.account)
    if payment.created_by is not None:
        recipients = [*recipients, payment.created_by.email]
    return send_templated_email(
        to=recipients,
        template="invoice_payment_receipt",
        context={"payment": payment, "allocations": list(payment.allocations.all())},
    )


@register(topics.CARD_PAYMENT)
def _card_payment(message) -> None:
    from commerce.outbox.services import effect_once

    payload = message.payload
    effect_once(
        message,
        lambda: capture_card_payment(payload["authorization"], payload["amount"]),
        step="capture",
    )
    effect_once(message, lambda: send_payment_receipt(payload["payment"]), step="receipt")
