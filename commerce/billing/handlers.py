"""Billing side effects from the outbox: invoice what shipped, email new invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from commerce import sites
from commerce.billing import statements, topics
from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import CreditAccount, Invoice, InvoiceReminder
from commerce.billing.tasks import _invoice_url, _recipients
from commerce.core.emails import _render, send_templated_email
from commerce.outbox.registry import register
from commerce.payments.services import payment_capture_authorization

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


def send_statement_email(account_id: int, on: date) -> int:
    """Email the account's statement PDF to its billing contacts."""
    account = CreditAccount.objects.select_related("company", "user").get(pk=account_id)
    statement = statements.statement_for(account, on)
    recipients = sorted({address for address in _recipients(account) if address})
    if not recipients:
        return 0
    context = {
        "statement": statement,
        "url": sites.site_url(sites.PORTAL, "portal:statement")
        if account.company_id
        else sites.get_site(sites.STOREFRONT).base_url,
    }
    message = EmailMessage(
        subject=" ".join(_render("emails/statement_subject.txt", context).split()),
        body=_render("emails/statement_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach(
        statements.statement_filename(statement),
        statements.statement_pdf(statement),
        "application/pdf",
    )
    return message.send()


@register(topics.STATEMENT_EMAIL)
def _statement_email(message) -> None:
    send_statement_email(message.payload["account"], date.fromisoformat(message.payload["date"]))


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
        lambda: payment_capture_authorization(
            authorization_id=payload["authorization"], amount=Decimal(payload["amount"])
        ),
        step="capture",
    )
    effect_once(message, lambda: send_payment_receipt(payload["payment"]), step="receipt")
