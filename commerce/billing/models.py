"""Net terms and credit.

A ``CreditAccount`` (a company's, or a consumer's for "Pay in 30 days") has
terms, a limit and a currency. Its exposure — open on-account orders not yet
invoiced plus unpaid invoice balances — is the sum of the append-only
``LedgerEntry`` rows, each of which says who changed it, when and why. The
account keeps that sum as its ``balance``, changed by the same transaction that
writes each entry (``commerce.billing.credit``), so checking an order against
the limit reads one row however long the account's history. Invoices and credit
notes have gap-free sequential numbers.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commerce.billing.terms import Terms

MONEY = {"max_digits": 12, "decimal_places": 2}


class CreditAccount(models.Model):
    company = models.OneToOneField(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="credit_account",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="credit_account",
        help_text=_("A consumer's personal account for 'Pay in 30 days'."),
    )
    terms = models.CharField(max_length=20, choices=Terms.choices, default=Terms.NET_30)
    credit_limit = models.DecimalField(
        **MONEY, default=Decimal("0.00"), validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, default=settings.OSCAR_DEFAULT_CURRENCY)
    grace_days = models.PositiveIntegerField(
        default=14, help_text=_("Days past due before the account goes on credit hold.")
    )
    is_active = models.BooleanField(_("Terms enabled"), default=True)
    on_credit_hold = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=200, blank=True)
    hold_is_automatic = models.BooleanField(default=False, editable=False)
    # The sum of the ledger's amounts (the exposure), kept by ``credit._entry``.
    balance = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(company__isnull=False) & Q(user__isnull=True))
                | (Q(company__isnull=True) & Q(user__isnull=False)),
                name="creditaccount_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="creditaccount_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Credit account of {self.company or self.user}"

    @property
    def owner_name(self) -> str:
        return self.company.name if self.company_id else self.user.email


class DocumentSequence(models.Model):
    """Gap-free numbering: the row is locked while a number is taken, in the same
    transaction as the document, so a rolled-back document gives its number back."""

    code = models.CharField(max_length=20, unique=True)
    prefix = models.CharField(max_length=10)
    next_value = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.prefix}{self.next_value:06d}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")

    class State(models.TextChoices):
        """Where an invoice stands today: what the pages and the API call it."""

        OPEN = "open", _("Open")
        OVERDUE = "overdue", _("Overdue")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    number = models.CharField(max_length=20, unique=True)
    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="invoices")
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="invoices")
    issued_on = models.DateField()
    due_on = models.DateField(db_index=True)
    terms = models.CharField(max_length=20, choices=Terms.choices)
    currency = models.CharField(max_length=3)
    net = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    amount_paid = models.DecimalField(**MONEY, default=Decimal("0.00"))
    amount_credited = models.DecimalField(**MONEY, default=Decimal("0.00"))
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0) & Q(amount_credited__gte=0),
                name="invoice_settlements_positive",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=models.F("amount_paid") + models.F("amount_credited")),
                name="invoice_not_overpaid",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def balance(self) -> Decimal:
        return self.total - self.amount_paid - self.amount_credited

    @property
    def seller(self) -> dict:
        return seller()

    @property
    def payment_instructions(self) -> dict:
        return payment_instructions(self.number)

    def vat_breakdown(self) -> list[dict]:
        """Net and VAT per rate (items and delivery), highest rate first; the
        rows add up to the invoice's net and tax."""
        rates: dict[Decimal, list[Decimal]] = {}
        for line in self.lines.all():
            row = rates.setdefault(line.rate.normalize(), [Decimal("0.00"), Decimal("0.00")])
            row[0] += line.net
            row[1] += line.tax
        return [
            {"rate": rate, "percent": f"{(rate * 100).normalize():f}", "net": net, "tax": tax}
            for rate, (net, tax) in sorted(rates.items(), reverse=True)
        ]

    def is_overdue(self, today=None) -> bool:
        return self.balance > 0 and self.due_on < (today or timezone.localdate())

    def days_overdue(self, today=None) -> int:
        return (
            max(0, ((today or timezone.localdate()) - self.due_on).days) if self.balance > 0 else 0
        )

    def state(self, today=None) -> str:
        """Open or overdue while a balance is left (overdue past the due date);
        settled, it is paid, or void when credit notes cancelled all of it."""
        if self.balance > 0:
            return self.State.OVERDUE if self.is_overdue(today) else self.State.OPEN
        if self.amount_paid == 0 and self.amount_credited > 0:
            return self.State.VOID
        return self.State.PAID

    @property
    def display_status(self) -> str:
        state = self.state()
        if state == self.State.OPEN:
            return self.get_status_display()  # "Open" or "Partially paid"
        return str(self.State(state).label)


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        ITEM = "item", _("Item")
        DELIVERY = "delivery", _("Delivery")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ITEM)
    order_line = models.ForeignKey(
        "order.Line",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
        help_text=_("The order line billed (none for the delivery line)."),
    )
    description = models.CharField(max_length=255)
    sku = models.CharField(max_length=128, blank=True)
    quantity = models.PositiveIntegerField()
    unit_net = models.DecimalField(**MONEY)
    net = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    tax_rate = models.DecimalField(
        max_digits=6, decimal_places=4, null=True, blank=True, help_text=_("0.19 for 19 %")
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="delivery") | Q(order_line__isnull=False),
                name="invoiceline_item_has_order_line",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.quantity} x {self.description}"

    @property
    def rate(self) -> Decimal:
        """The VAT rate of the line (derived from its amounts on older invoices)."""
        if self.tax_rate is not None:
            return self.tax_rate
        if not self.net:
            return Decimal("0")
        return (self.tax / self.net).quantize(Decimal("0.01"))


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        DIRECT_DEBIT = "direct_debit", _("Direct debit")
        CARD = "card", _("Card")
        CHEQUE = "cheque", _("Cheque")
        OTHER = "other", _("Other")

    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3)
    received_on = models.DateField()
    reference = models.CharField(max_length=100)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.BANK_TRANSFER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount} {self.currency}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.payment} -> {self.invoice}: {self.amount}"


class CreditNote(models.Model):
    number = models.CharField(max_length=20, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.CharField(max_length=300)
    issued_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="creditnote_positive")
        ]

    def __str__(self) -> str:
        return self.number


class LedgerEntry(models.Model):
    """One change to an account's exposure (or its limit/terms/hold), never edited."""

    class Kind(models.TextChoices):
        ORDER_RESERVED = "order_reserved", _("Order placed on account")
        ORDER_RELEASED = "order_released", _("Order released")
        ORDER_INVOICED = "order_invoiced", _("Order invoiced")
        ORDER_ADJUSTED = "order_adjusted", _("Order edited")
        INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
        PAYMENT = "payment", _("Payment received")
        CREDIT_NOTE = "credit_note", _("Credit note")
        LIMIT_CHANGED = "limit_changed", _("Credit limit changed")
        TERMS_CHANGED = "terms_changed", _("Terms changed")
        HOLD = "hold", _("Credit hold")
        HOLD_RELEASED = "hold_released", _("Credit hold released")

    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(**MONEY, help_text=_("Change in exposure (+ more owed, - less)."))
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credit_note = models.ForeignKey(
        CreditNote, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = _("ledger entries")
        constraints = [
            # An order's reservation is released at most once.
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind="order_released"), name="ledger_release_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.amount}"


class InvoiceReminder(models.Model):
    """A reminder sent for an invoice (one of each kind, so the daily run is idempotent)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.kind}"


def seller() -> dict:
    """The seller's legal block (name, address, VAT id, registration), from settings."""
    return dict(settings.SELLER)


def payment_instructions(reference: str) -> dict:
    """How to pay: the bank account from settings and the reference to quote."""
    return {**settings.PAYMENT_INSTRUCTIONS, "reference": reference}


class StatementDispatch(models.Model):
    """A monthly statement queued for an account (one per account and month)."""

    account = models.ForeignKey(
        CreditAccount, on_delete=models.CASCADE, related_name="statement_dispatches"
    )
    period = models.CharField(max_length=7, help_text=_("YYYY-MM"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-period", "account_id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="one_statement_per_month")
        ]

    def __str__(self) -> str:
        return f"Statement {self.period} for account {self.account_id}"
