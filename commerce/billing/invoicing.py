"""Invoices (issued when goods ship, for what shipped) and credit notes.

Numbers come from a locked ``DocumentSequence`` row inside the document's own
transaction: no gaps, no duplicates, whatever runs concurrently.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.billing import topics
from commerce.billing.credit import CreditError, _entry, lock, reserved_for
from commerce.billing.models import (
    CreditAccount,
    CreditNote,
    DocumentSequence,
    Invoice,
    InvoiceLine,
    LedgerEntry,
)
from commerce.billing.terms import due_date
from commerce.core.locks import lock_invoices, lock_order, retry_on_conflict
from commerce.core.money import ZERO, quantize, rate
from commerce.outbox.services import outbox_emit
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

Order = get_model("order", "Order")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")
Kind = LedgerEntry.Kind

SEQUENCES = {"invoice": "INV-", "credit_note": "CN-"}


def next_number(code: str) -> str:
    """The next number of a sequence (call inside the document's transaction)."""
    sequence, _ = DocumentSequence.objects.select_for_update().get_or_create(
        code=code, defaults={"prefix": SEQUENCES[code]}
    )
    value = sequence.next_value
    sequence.next_value = value + 1
    sequence.save(update_fields=["next_value"])
    return f"{sequence.prefix}{value:06d}"


def invoiced_quantities(order) -> dict[int, int]:
    rows = (
        InvoiceLine.objects.filter(invoice__order=order, kind=InvoiceLine.Kind.ITEM)
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
    )
    return {row["order_line_id"]: row["quantity"] for row in rows}


def shipped_quantities(order) -> dict[int, int]:
    rows = (
        ShippingEventQuantity.objects.filter(event__order=order, event__event_type__name="Shipped")
        .values("line_id")
        .annotate(quantity=Sum("quantity"))
    )
    return {row["line_id"]: row["quantity"] for row in rows}


def invoice_account(order) -> CreditAccount | None:
    """The account an on-account (or pay-later) order is billed to."""
    entry = (
        LedgerEntry.objects.filter(order=order, kind=Kind.ORDER_RESERVED)
        .select_related("account")
        .first()
    )
    return entry.account if entry else None


@retry_on_conflict
def _line_rate(line) -> Decimal:
    quoted = (line.price_quote or {}).get("tax_rate")
    if quoted:
        return Decimal(quoted)
    net = line.unit_price_excl_tax or ZERO
    gross = line.unit_price_incl_tax or net
    return ((gross - net) / net).quantize(Decimal("0.0001")) if net else Decimal("0")


def _item_row(line, quantity: int, currency: str) -> InvoiceLine:
    """An order line's shipped quantity at its frozen unit prices (tax per
    unit, as on the order, so invoice and order agree to the cent)."""
    unit_net = line.unit_price_excl_tax
    unit_tax = (line.unit_price_incl_tax or unit_net) - unit_net
    description = line.title
    if (line.price_quote or {}).get("promotion_id"):  # the promotion, as frozen on the line
        description = f"{line.title} ({line.price_reason})"
    return InvoiceLine(
        kind=InvoiceLine.Kind.ITEM,
        order_line=line,
        description=description[:255],
        sku=line.upc or "",
        quantity=quantity,
        unit_net=unit_net,
        net=quantize(unit_net * quantity, currency),
        tax=quantize(unit_tax * quantity, currency),
        tax_rate=_line_rate(line),
    )


def _delivery_row(order) -> InvoiceLine | None:
    net = order.shipping_excl_tax or ZERO
    tax = (order.shipping_incl_tax or net) - net
    if not net and not tax:
        return None
    return InvoiceLine(
        kind=InvoiceLine.Kind.DELIVERY,
        description=f"Delivery: {order.shipping_method}" if order.shipping_method else "Delivery",
        sku="",
        quantity=1,
        unit_net=net,
        net=net,
        tax=tax,
        tax_rate=rate(settings.DEFAULT_TAX_RATE) if tax else Decimal("0"),
    )


def invoice_for_shipped(*, order_id: int) -> Invoice | None:
    """Invoice whatever of an on-account order has shipped and is not invoiced yet.

    Safe to run twice: the second run finds nothing left to invoice.
    """
    with transaction.atomic():
        order = lock_order(Order(pk=order_id))
        account = invoice_account(order)
        if account is None:
            return None
        account = lock(account)
        shipped = shipped_quantities(order)
        invoiced = invoiced_quantities(order)
        to_bill = []
        for line in order.lines.all():
            quantity = shipped.get(line.pk, 0) - invoiced.get(line.pk, 0)
            if quantity > 0:
                to_bill.append((line, quantity))
        if not to_bill:
            return None
        currency = order.currency
        rows = [_item_row(line, quantity, currency) for line, quantity in to_bill]
        if not invoiced:  # delivery is billed with the first shipment, as a line of its own
            delivery = _delivery_row(order)
            if delivery is not None:
                rows.append(delivery)
        net_total = sum((r.net for r in rows), ZERO)
        tax_total = sum((r.tax for r in rows), ZERO)
        total = net_total + tax_total
        today = timezone.localdate()
        invoice = Invoice.objects.create(
            number=next_number("invoice"),
            account=account,
            order=order,
            issued_on=today,
            due_on=due_date(account.terms, today),
            terms=account.terms,
            currency=currency,
            net=net_total,
            tax=tax_total,
            total=total,
        )
        for row in rows:
            row.invoice = invoice
        InvoiceLine.objects.bulk_create(rows)
        # The order's hold becomes an invoice balance: exposure stays the same.
        moved = min(total, max(reserved_for(order), ZERO))
        _entry(
            account,
            Kind.ORDER_INVOICED,
            -moved,
            order=order,
            invoice=invoice,
            reason=f"Order {order.number} invoiced on {invoice.number}",
        )
        _entry(
            account,
            Kind.INVOICE_ISSUED,
            total,
            order=order,
            invoice=invoice,
            reason=f"Invoice {invoice.number} issued",
        )
        _announce(invoice)
    return invoice


def _announce(invoice: Invoice) -> None:
    """The new invoice's email and webhook, in the transaction that issues it."""
    outbox_emit(topic=topics.INVOICE_EMAIL, payload={"invoice": invoice.pk})
    webhook_event(
        type=events.INVOICE_ISSUED,
        data={
            "number": invoice.number,
            "order": invoice.order.number if invoice.order_id else None,
            "company": invoice.account.company_id,
            "issued_on": invoice.issued_on.isoformat(),
            "due_on": invoice.due_on.isoformat(),
            "total": events.money(invoice.total),
            "net": events.money(invoice.net),
            "tax": events.money(invoice.tax),
            "currency": invoice.currency,
        },
    )


def refresh_status(invoice: Invoice) -> None:
    settled = invoice.amount_paid + invoice.amount_credited
    if settled >= invoice.total:
        invoice.status = Invoice.Status.PAID
    elif settled > 0:
        invoice.status = Invoice.Status.PARTIALLY_PAID
    else:
        invoice.status = Invoice.Status.OPEN


@retry_on_conflict
@transaction.atomic
def credit_note_issue(*, invoice: Invoice, amount: Decimal, reason: str, actor) -> CreditNote:
    """Reduce what is owed on an invoice (returns, cancellations, goodwill).

    Lock order: the account (step 7), then the invoice (step 8)."""
    account = lock(
        CreditAccount(pk=Invoice.objects.values_list("account_id", flat=True).get(pk=invoice.pk))
    )
    [invoice] = lock_invoices(Invoice.objects.filter(pk=invoice.pk))
    if amount <= 0:
        raise CreditError("A credit note must be for a positive amount.")
    if amount != quantize(amount, invoice.currency):
        raise CreditError(f"Amounts in {invoice.currency} have at most two decimals.")
    if amount > invoice.balance:
        raise CreditError(
            f"Invoice {invoice.number} has {invoice.balance} {invoice.currency} open; "
            f"a credit note of {amount} would exceed it."
        )
    if not reason.strip():
        raise CreditError("Say why the credit note is issued.")
    note = CreditNote.objects.create(
        number=next_number("credit_note"),
        invoice=invoice,
        amount=amount,
        reason=reason.strip(),
        issued_on=timezone.localdate(),
        created_by=actor,
    )
    invoice.amount_credited += amount
    refresh_status(invoice)
    invoice.save(update_fields=["amount_credited", "status"])
    _entry(
        account,
        Kind.CREDIT_NOTE,
        -amount,
        invoice=invoice,
        credit_note=note,
        actor=actor,
        reason=f"Credit note {note.number} on {invoice.number}: {note.reason}",
    )
    return note
