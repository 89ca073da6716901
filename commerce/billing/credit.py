"""Credit: exposure, the on-account check and reservation, terms, holds.

Every function that changes exposure locks the credit account row first, so
two orders racing for the last of a limit are decided one after the other.
The exposure is the sum of the ledger; the account keeps it as its
``balance``, changed in the transaction that writes each entry (``_entry``, the
one writer of ledger rows), so the limit check under the lock reads the
locked row and no sum over the account's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from commerce.billing.models import CreditAccount, Invoice, LedgerEntry
from commerce.core.locks import lock_credit_account, lock_credit_account_of
from commerce.core.money import ZERO, quantize
from commerce.order.exceptions import CheckoutError
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

Kind = LedgerEntry.Kind


class CreditError(CheckoutError):
    code = "credit_error"


class NoTerms(CreditError):
    code = "no_terms"


class CreditHold(CreditError):
    code = "credit_hold"


class CreditLimitExceeded(CreditError):
    code = "credit_limit_exceeded"
    status = 409

    def __init__(self, *, limit: Decimal, exposure: Decimal, amount: Decimal, currency: str):
        self.limit, self.exposure, self.amount = limit, exposure, amount
        self.shortfall = quantize(exposure + amount - limit, currency)
        available = max(ZERO, limit - exposure)
        super().__init__(
            f"This order ({amount} {currency}) exceeds your available credit of "
            f"{quantize(available, currency)} {currency} by {self.shortfall} {currency}. "
            "Pay by card, or ask us about your credit limit."
        )


@dataclass(frozen=True)
class CreditStanding:
    limit: Decimal
    exposure: Decimal
    currency: str
    on_hold: bool
    hold_reason: str

    @property
    def available(self) -> Decimal:
        return max(ZERO, self.limit - self.exposure)


def exposure_of(account: CreditAccount) -> Decimal:
    """The account's exposure now (its balance read afresh: ``account`` may be old)."""
    balance = CreditAccount.objects.values_list("balance", flat=True).get(pk=account.pk)
    return quantize(balance, account.currency)


def standing(account: CreditAccount) -> CreditStanding:
    return CreditStanding(
        limit=account.credit_limit,
        exposure=exposure_of(account),
        currency=account.currency,
        on_hold=account.on_credit_hold or _company_on_hold(account),
        hold_reason=account.hold_reason or ("Company on hold" if _company_on_hold(account) else ""),
    )


def standings(accounts) -> dict[int, CreditStanding]:
    """``standing`` for many accounts at once, from the rows as loaded (their
    balances): account id -> standing. ``accounts`` should have ``company`` selected."""
    accounts = list(accounts)
    result = {}
    for account in accounts:
        on_hold = _company_on_hold(account)
        result[account.pk] = CreditStanding(
            limit=account.credit_limit,
            # The same balance as ``exposure_of``, quantized the same way.
            exposure=quantize(account.balance, account.currency),
            currency=account.currency,
            on_hold=account.on_credit_hold or on_hold,
            hold_reason=account.hold_reason or ("Company on hold" if on_hold else ""),
        )
    return result


def _company_on_hold(account: CreditAccount) -> bool:
    from accounts.models import Company

    return bool(account.company_id) and account.company.status == Company.Status.ON_HOLD


def account_for_company(company) -> CreditAccount | None:
    return CreditAccount.objects.filter(company=company).select_related("company").first()


def account_for_user(user) -> CreditAccount | None:
    return CreditAccount.objects.filter(user=user).select_related("user").first()


def pay_later_available(user) -> bool:
    """Consumers on the top loyalty tier with a personal account may pay in 30 days."""
    from accounts.models import CustomerLoyalty, LoyaltyTier

    if user is None or not user.is_authenticated:
        return False
    account = account_for_user(user)
    if account is None or not account.is_active or account.credit_limit <= 0:
        return False
    top = LoyaltyTier.objects.filter(is_active=True).order_by("-rank").first()
    return top is not None and CustomerLoyalty.objects.filter(user=user, tier=top).exists()


def lock(account: CreditAccount) -> CreditAccount:
    return lock_credit_account(account)


def _entry(account, kind, amount, *, reason, actor=None, **links) -> LedgerEntry:
    """Write a ledger row and move the account's balance by its amount, in the
    caller's transaction (under the account's lock, step 7): both or neither."""
    with transaction.atomic(savepoint=False):
        entry = LedgerEntry.objects.create(
            account=account,
            kind=kind,
            amount=amount,
            reason=reason,
            actor=actor
            if actor is not None and getattr(actor, "is_authenticated", False)
            else None,
            **links,
        )
        if amount:
            CreditAccount.objects.filter(pk=account.pk).update(balance=F("balance") + amount)
    if amount and "balance" in account.__dict__:
        account.balance += amount
    return entry


def credit_reserve(
    *, account: CreditAccount, order_number: str, amount: Decimal, currency: str, actor=None
):
    """Check the on-account order fits the credit and hold it (caller saves the
    order and links the entry). Must run inside the order's transaction."""
    return _reserve(lock(account), amount=amount, currency=currency)


def credit_reserve_for(
    *, company=None, user=None, order_number: str, amount: Decimal, currency: str
) -> tuple[CreditAccount, Decimal]:
    """``credit_reserve`` on the account of ``company`` (on account) or of
    ``user`` (pay later), found and locked in one statement; ``NoTerms`` when
    there is none."""
    account = lock_credit_account_of(company=company, user=user)
    if account is None:
        raise NoTerms("Your account has no payment terms; please pay by card.")
    return _reserve(account, amount=amount, currency=currency)


def _reserve(account: CreditAccount, *, amount: Decimal, currency: str):
    """The credit checks on an account locked by the caller (step 7)."""
    if not account.is_active:
        raise NoTerms("Your account has no payment terms; please pay by card.")
    if account.on_credit_hold or _company_on_hold(account):
        raise CreditHold(
            "Your account is on credit hold"
            + (f" ({account.hold_reason})" if account.hold_reason else "")
            + ". You can still pay by card."
        )
    if currency != account.currency:
        raise NoTerms(f"Your account is kept in {account.currency}; this order is in {currency}.")
    # Read with the lock just taken: no entry of this account can be written meanwhile.
    exposure = quantize(account.balance, account.currency)
    if exposure + amount > account.credit_limit:
        raise CreditLimitExceeded(
            limit=account.credit_limit, exposure=exposure, amount=amount, currency=currency
        )
    return account, exposure


def credit_record_reservation(
    *, account: CreditAccount, order, amount: Decimal, actor=None
) -> LedgerEntry:
    return _entry(
        account,
        Kind.ORDER_RESERVED,
        amount,
        order=order,
        actor=actor,
        reason=f"Order {order.number} placed on account",
    )


def reserved_for(order) -> Decimal:
    """What an order still holds on its account (not yet invoiced or released)."""
    total = LedgerEntry.objects.filter(
        order=order,
        kind__in=[
            Kind.ORDER_RESERVED,
            Kind.ORDER_ADJUSTED,
            Kind.ORDER_RELEASED,
            Kind.ORDER_INVOICED,
        ],
    ).aggregate(total=Sum("amount"))["total"]
    return quantize(total or ZERO, order.currency)


def credit_adjust_reservation(*, order, amount: Decimal, actor=None) -> Decimal:
    """An edited on-account order holds ``amount`` now: lock its account (step 7)
    and record the difference. More than before must fit the credit (the same
    check as at placement: hold, limit); less gives the rest back. Returns the
    difference (0 for an order that holds no credit). Inside the edit's
    transaction, after the order's own lock."""
    entry = (
        LedgerEntry.objects.filter(order=order, kind=Kind.ORDER_RESERVED)
        .select_related("account")
        .first()
    )
    if entry is None:
        return ZERO
    account = lock(entry.account)
    delta = quantize(amount - reserved_for(order), account.currency)
    if delta > 0:
        _reserve(account, amount=delta, currency=order.currency)
    if delta:
        _entry(
            account,
            Kind.ORDER_ADJUSTED,
            delta,
            order=order,
            actor=actor,
            reason=f"Order {order.number} edited",
        )
    return delta


def credit_release(*, order, actor=None, reason: str = "") -> Decimal:
    """Give back what a rejected, cancelled or expired order held — exactly once."""
    entry = LedgerEntry.objects.filter(order=order, kind=Kind.ORDER_RESERVED).first()
    if entry is None:
        return ZERO
    with transaction.atomic():
        account = lock(entry.account)
        if LedgerEntry.objects.filter(order=order, kind=Kind.ORDER_RELEASED).exists():
            return ZERO
        remaining = reserved_for(order)
        if remaining <= 0:
            return ZERO
        _entry(
            account,
            Kind.ORDER_RELEASED,
            -remaining,
            order=order,
            actor=actor,
            reason=reason or f"Order {order.number} released",
        )
    return remaining


@transaction.atomic
def credit_set_terms(
    *,
    account: CreditAccount,
    actor,
    terms: str | None = None,
    credit_limit: Decimal | None = None,
    grace_days: int | None = None,
    is_active: bool | None = None,
) -> CreditAccount:
    """Staff change terms, limit, grace days or enable/disable terms (audited)."""
    account = lock(account)
    changes = {}
    if credit_limit is not None and credit_limit != account.credit_limit:
        if credit_limit < 0:
            raise CreditError("A credit limit cannot be negative.")
        _entry(
            account,
            Kind.LIMIT_CHANGED,
            ZERO,
            actor=actor,
            reason=f"Credit limit {account.credit_limit} → {credit_limit}",
        )
        changes["credit_limit"] = credit_limit
    for field, value in (("terms", terms), ("grace_days", grace_days), ("is_active", is_active)):
        if value is not None and value != getattr(account, field):
            changes[field] = value
    described = {k: v for k, v in changes.items() if k != "credit_limit"}
    if described:
        _entry(
            account,
            Kind.TERMS_CHANGED,
            ZERO,
            actor=actor,
            reason="Changed " + ", ".join(f"{k} → {v}" for k, v in described.items()),
            data={k: str(v) for k, v in described.items()},
        )
    for field, value in changes.items():
        setattr(account, field, value)
    if changes:
        account.save(update_fields=list(changes))
    return account


@transaction.atomic
def credit_hold(
    *, account: CreditAccount, reason: str, actor=None, automatic: bool = False
) -> CreditAccount:
    account = lock(account)
    if account.on_credit_hold:
        return account
    account.on_credit_hold, account.hold_reason, account.hold_is_automatic = True, reason, automatic
    account.save(update_fields=["on_credit_hold", "hold_reason", "hold_is_automatic"])
    _entry(account, Kind.HOLD, ZERO, actor=actor, reason=f"Credit hold: {reason}")
    _hold_changed(account, reason)
    return account


@transaction.atomic
def credit_release_hold(
    *, account: CreditAccount, actor=None, reason: str = "Released by staff"
) -> CreditAccount:
    account = lock(account)
    if not account.on_credit_hold:
        return account
    account.on_credit_hold, account.hold_reason, account.hold_is_automatic = False, "", False
    account.save(update_fields=["on_credit_hold", "hold_reason", "hold_is_automatic"])
    _entry(account, Kind.HOLD_RELEASED, ZERO, actor=actor, reason=reason)
    _hold_changed(account, reason)
    return account


def _hold_changed(account: CreditAccount, reason: str) -> None:
    webhook_event(
        type=events.CREDIT_HOLD_CHANGED,
        data={
            "account": account.pk,
            "company": account.company_id,
            "on_hold": account.on_credit_hold,
            "automatic": account.hold_is_automatic,
            "reason": reason,
        },
    )


def overdue_beyond_grace(account: CreditAccount, today=None) -> bool:
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=account.grace_days)
    return Invoice.objects.filter(
        account=account,
        due_on__lt=cutoff,
        status__in=[Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID],
    ).exists()


def credit_instalments_reserve(
    *, account: CreditAccount, order_number: str, amount: Decimal, currency: str, actor=None
) -> tuple[CreditAccount, LedgerEntry]:
    """The instalments still to pay after the first must fit the consumer's
    credit (checked and held under the account's lock, as for on-account orders)."""
    account, _exposure = credit_reserve(
        account=account, order_number=order_number, amount=amount, currency=currency
    )
    entry = _entry(
        account,
        Kind.ORDER_RESERVED,
        amount,
        actor=actor,
        reason=f"Order {order_number} in instalments",
    )
    return account, entry


def credit_instalment_paid(
    *, account: CreditAccount, amount: Decimal, reason: str, actor=None
) -> LedgerEntry:
    """An instalment collected: the exposure falls by its amount."""
    return _entry(account, Kind.PAYMENT, -amount, actor=actor, reason=reason)


def credit_instalments_release(
    *, account: CreditAccount, amount: Decimal, reason: str, actor=None
) -> LedgerEntry | None:
    """The unpaid parts of a cancelled instalment plan: their hold is given back
    (under the account's lock, step 7; the caller holds the plan, step 6b)."""
    if amount <= 0:
        return None
    account = lock(account)
    return _entry(account, Kind.ORDER_RELEASED, -amount, actor=actor, reason=reason)
