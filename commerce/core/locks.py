"""The project's one lock order.

Every service that takes row locks (``select_for_update``) takes them in this
order, and never the other way round, so two transactions can wait for each
other but never in a circle:

    1. basket share, or quote            (basket sharing; quote offers, acceptance, ordering)
    2. basket                            (checkout, sharing)
    3. idempotency key                   (checkout, order edits)
   3a. promotions, by primary key        (checkout: promotion and voucher usage limits)
   3b. household                         (checkout: a household member's monthly budget;
                                          budget edits, members leaving)
    4. order                             (status changes, shipping, invoicing, emails, edits)
   4b. the order's dealer routing        (dealer offers: accept, reject, lapse, re-route,
                                          dealer shipment and delivery)
    5. approval request                  (approval decisions, cancellation, expiry, edits)
    6. card payment source               (capture, void, refund, edits)
   6b. instalment plan                   (instalment collection, early payoff,
                                          release when its order is cancelled)
    7. credit account                    (on-account orders, releases, invoices, payments)
    8. invoices, by primary key          (payments, credit notes)
    9. stock records, by primary key     (allocation, release, shipping, stock imports)
   9b. dealer stock, by primary key      (routing at placement, re-routes, dealer shipment,
                                          dealer stock updates)
   10. document sequences                (invoice and credit-note numbers)

Two kinds of rows stand outside the list. An import job row is locked first in
its own apply transaction, before the catalogue and stock rows it writes (a
second delivery of the same job skips it with SKIP LOCKED). Outbox rows are
only inserted by business transactions; the relay claims due rows with
SKIP LOCKED in a short transaction of its own, holding nothing else, and runs
their handlers after that commit, each handler starting again from step 1.

Oscar's purchase counters (``analytics.ProductRecord``) are counted by the
``order.purchase_counters`` outbox handler after the order committed: it
inserts missing rows at zero, then locks the order's rows in product order and
increments them, holding nothing else. Product views are counted the same way
by the ``catalog.product_views`` handler: product rows in product order, then
(having finished with them) the viewers' ``analytics.UserRecord`` rows in user
order; a purchase count locks its buyer's record only after its product rows.
Both add through ``commerce.core.counters.add_to_counters``, which keeps that order.

A dealer lead (``commerce.leads``) is locked on its own, one row, never while
holding any of the above: accept, reject, lapse, re-route and outcomes are
serialised on it, and the lead is linked to the order it became only after
that order's own transaction committed (its outbox handler). A survey row is
locked on its own when it is answered.
A quote and a basket share are never locked together. Ordering a quote locks
the quote, then its basket and the rest of the pipeline; a shopping list is
only read (adding it to a basket locks the basket alone). A list row is
locked on its own only by replenishment (SKIP LOCKED, then an outbox row; the
basket is filled, or the order placed through ``order_place`` from step 2 on, by
the handler, holding no list row), a list line on its own when its quantity
changes. A dealer offer row is locked after its order's routing row (4b) and
only under it. A members' invitation is locked on its own when it is taken.
Applying or removing a voucher locks the basket (step 2) alone. A household
row (3b) serialises its members' storefront orders, so two orders spending the
last of a budget at once see each other (one fits, the other waits for the
owner's approval); the owner's budget edits and a member leaving lock it
alone, and a household invitation is locked on its own when it is taken. A settled
instalment part, an invoice card payment and an order are captured through the
outbox after their transaction commits, never under these locks; so are the
refunds of the paid parts of a cancelled instalment plan. An instalment part's
reminder mark is set by one conditional update of that row alone, holding
nothing else. An assisted session (a staff member buying on a member's behalf)
is locked on its own, one row, when it is begun; ending one is a conditional
update of that row alone.

A service may skip steps but never go back: a payment locks the account, then
its invoices; a credit note locks the account, then the invoice; placing an
order on account locks the credit account, then the stock; cancelling one
locks the order, the account, then the stock; editing one
(``commerce.orderedit``) locks its key, the order, its approval request, its
card source, the credit account, then the stock records of the products it
touches (its card is authorised again before these locks, and a replaced hold
is voided or a captured difference refunded through the outbox after them).
Rows of one kind are locked in
primary-key order in one statement. Company, membership, invitation, address
and loyalty rows (``accounts``), approval rules and price lists are locked on
their own, never while holding any of the above. Nothing talks to a payment gateway or any
other remote service while holding a lock from this list; the capture, void
and refund of an existing order (step 6) are the exception, the source row
being their once-only guard.

A deadlock or serialization failure that still happens (PostgreSQL picks a
victim) is retried a few times by ``retry_on_conflict``; when it keeps
happening the caller gets ``LockConflict`` (409 ``conflict_retry`` in the API,
a "try again" message on pages), never a 500.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import DatabaseError, connection
from oscar.core.loading import get_model

from commerce.core.errors import DomainError

logger = logging.getLogger(__name__)

# PostgreSQL: deadlock_detected, serialization_failure.
RETRYABLE_SQLSTATES = {"40P01", "40001"}
ATTEMPTS = 3


class LockConflict(DomainError):
    """Concurrent changes kept colliding; nothing was changed, the caller may try again."""

    code = "conflict_retry"
    status = 409

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Someone else was changing the same records at the same moment. "
            "Nothing was changed; please try again."
        )


def is_retryable(error: BaseException) -> bool:
    """A deadlock or serialization failure (anywhere in the exception's causes)."""
    seen = error
    while seen is not None:
        if getattr(seen, "pgcode", None) in RETRYABLE_SQLSTATES:
            return True
        seen = seen.__cause__ or seen.__context__
        if seen is error:
            break
    return False


def in_transaction() -> bool:
    """Whether the caller holds an open transaction of its own (test-case
    transactions that wrap a whole test do not count)."""
    return any(
        not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    ) or (connection.in_atomic_block and not connection.atomic_blocks)


def retry_on_conflict(func=None, *, attempts: int = ATTEMPTS):
    """Run ``func`` (which opens its own transaction) again when the database
    chose it as a deadlock or serialization victim; raise ``LockConflict``
    after ``attempts`` tries. Inside a caller's transaction there is nothing
    to retry (the whole transaction is lost): ``LockConflict`` at once."""

    def decorate(inner):
        @functools.wraps(inner)
        def run(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return inner(*args, **kwargs)
                except (DatabaseError, LockConflict) as error:
                    # A LockConflict here comes from a nested service that
                    # could not retry inside this transaction: retry it whole.
                    if isinstance(error, DatabaseError) and not is_retryable(error):
                        raise
                    if in_transaction() or attempt == attempts:
                        logger.warning("%s gave up after %s conflict(s)", inner.__name__, attempt)
                        if isinstance(error, LockConflict):
                            raise
                        raise LockConflict() from error
                    logger.info("%s: conflict %s, retrying", inner.__name__, attempt)
                    time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 (jitter, not a secret)
            raise AssertionError("unreachable")

        return run

    return decorate(func) if func is not None else decorate


# --- helpers, one per kind of row (steps of the order above) -------------------------------


def lock_credit_account(account):
    """Step 7: the credit account row (with its company and person, for checks)."""
    CreditAccount = get_model("billing", "CreditAccount")
    return (
        CreditAccount.objects.select_for_update(of=("self",))
        .select_related("company", "user")
        .get(pk=account.pk)
    )


def lock_credit_account_of(*, company=None, user=None):
    """Step 7 by owner: the credit account of ``company`` (or else of ``user``),
    found and locked in one statement, or None when it has none."""
    CreditAccount = get_model("billing", "CreditAccount")
    owner = {"company": company} if company is not None else {"user": user}
    if next(iter(owner.values())) is None:
        return None
    return (
        CreditAccount.objects.select_for_update(of=("self",))
        .select_related("company", "user")
        .filter(**owner)
        .first()
    )


def lock_invoices(queryset) -> list:
    """Step 8: the invoices of ``queryset`` (a filter on invoices), in pk order."""
    return list(queryset.select_for_update(of=("self",)).order_by("pk"))


def lock_stock_records(product_ids: Iterable[int]) -> dict[int, list]:
    """Step 9: every stock record of these products, in pk order, grouped by product
    (each product's records in pk order)."""
    StockRecord = get_model("partner", "StockRecord")
    # The partner and the product class come along (placement needs them for
    # every line); only the stock record rows are locked.
    records = (
        StockRecord.objects.select_for_update(of=("self",))
        .select_related("partner", "product__product_class")
        .filter(product_id__in=set(product_ids))
        .order_by("pk")
    )
    grouped: dict[int, list] = defaultdict(list)
    for record in records:
        grouped[record.product_id].append(record)
    return grouped


def lock_order(order):
    """Step 4: the order row."""
    Order = get_model("order", "Order")
    return Order.objects.select_for_update(of=("self",)).get(pk=order.pk)


def lock_household(household_id: int):
    """Step 3b: the household row (its members' budgets are checked under it)."""
    Household = get_model("households", "Household")
    return Household.objects.select_for_update(of=("self",)).get(pk=household_id)
