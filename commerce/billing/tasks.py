"""The daily credit control run (reminders, holds)."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce import sites
from commerce.billing import credit
from commerce.billing.models import CreditAccount, Invoice, InvoiceReminder
from commerce.core.emails import send_templated_email

logger = logging.getLogger(__name__)

# Reminders: days relative to the due date (negative = before it).
REMINDER_DAYS = {-3: "due_soon", 1: "overdue_1", 7: "overdue_7", 14: "overdue_14", 30: "overdue_30"}


def _recipients(account: CreditAccount) -> list[str]:
    if account.user_id:
        return [account.user.email]
    from accounts import policy

    company = account.company
    emails = list(
        policy.members_who_may(company, policy.Action.VIEW_INVOICES).values_list(
            "user__email", flat=True
        )
    )
    return ([company.email] if company.email else []) + emails


def _invoice_url(invoice: Invoice) -> str:
    if invoice.account.company_id:
        return sites.site_url(sites.PORTAL, "portal:invoice-detail", number=invoice.number)
    return sites.site_url(sites.STOREFRONT, "storefront:invoice-detail", number=invoice.number)


@shared_task
def credit_control(today_iso: str | None = None) -> dict:
    """Daily: remind before and after due dates; hold accounts past their grace period."""
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    sent = 0
    open_invoices = Invoice.objects.exclude(status=Invoice.Status.PAID).select_related(
        "account__company", "account__user"
    )
    for invoice in open_invoices:
        offset = (today - invoice.due_on).days
        kind = REMINDER_DAYS.get(offset)
        if kind is None or invoice.balance <= 0:
            continue
        try:
            with transaction.atomic():
                InvoiceReminder.objects.create(invoice=invoice, kind=kind)
                sent += send_templated_email(
                    to=_recipients(invoice.account),
                    template="invoice_reminder",
                    context={
                        "invoice": invoice,
                        "days": offset,
                        "overdue": offset > 0,
                        "url": _invoice_url(invoice),
                    },
                )
        except IntegrityError:
            continue  # this reminder went out already
    held = released = 0
    for account in CreditAccount.objects.select_related("company", "user"):
        late = credit.overdue_beyond_grace(account, today)
        if late and not account.on_credit_hold:
            credit.credit_hold(
                account=account,
                reason=f"invoices overdue more than {account.grace_days} days",
                automatic=True,
            )
            held += 1
        elif not late and account.on_credit_hold and account.hold_is_automatic:
            credit.credit_release_hold(
                account=account, reason="No invoices overdue past the grace period"
            )
            released += 1
    logger.info(
        "Credit control %s: %s reminders, %s held, %s released", today, sent, held, released
    )
    return {"reminders": sent, "held": held, "released": released}


@shared_task
def monthly_statements(today_iso: str | None = None) -> int:
    """Monthly (beat): queue each company's statement email through the outbox."""
    from commerce.billing.statements import statements_schedule

    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return statements_schedule(today)
