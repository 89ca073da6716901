"""Card payments against an order: record the authorization, capture it once,
void or refund it. Gateway calls happen outside row locks where possible and
every outcome is recorded on Oscar's payment ``Source``/``Transaction`` and the
order's payment events."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_model

from commerce.outbox.services import outbox_emit
from commerce.payments import topics
from commerce.payments.gateway import Authorization, PaymentError, get_gateway

logger = logging.getLogger(__name__)

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")

CARD = "card"
PAID_EVENT = "Paid"
REFUND_EVENT = "Refunded"
VOID_EVENT = "Voided"


def _card_type():
    return SourceType.objects.get_or_create(code=CARD, defaults={"name": "Card"})[0]


def _event(order, name: str, amount: Decimal, reference: str) -> None:
    event_type, _ = PaymentEventType.objects.get_or_create(name=name)
    PaymentEvent.objects.create(
        order=order, amount=amount, reference=reference, event_type=event_type
    )


def _record_authorise(source, authorization: Authorization) -> None:
    Transaction.objects.create(
        source=source,
        txn_type=Transaction.AUTHORISE,
        amount=authorization.amount,
        reference=authorization.id,
        status="Success",
    )


def payment_authorize(
    *, token: str, amount: Decimal, currency: str, reference: str
) -> Authorization:
    """Hold ``amount`` on the card (raises PaymentDeclined / PaymentUnavailable)."""
    return get_gateway().authorize(
        token=token, amount=amount, currency=currency, reference=reference
    )


def payment_record_authorization(*, order, authorization: Authorization) -> Source:
    """Inside the order's transaction: keep the authorization (never card data)."""
    # What Oscar's ``Source.allocate`` records, the amount written with the row.
    source = Source.objects.create(
        order=order,
        source_type=_card_type(),
        currency=authorization.currency,
        amount_allocated=authorization.amount,
        reference=authorization.id,
        label=authorization.card.label,
    )
    _record_authorise(source, authorization)
    return source


def payment_void_authorization(authorization: Authorization) -> bool:
    """Release a hold whose order was not placed. Never raises: logs on failure."""
    try:
        get_gateway().void(authorization_id=authorization.id)
    except PaymentError:
        logger.exception(
            "Could not void authorization %s; release it in the gateway", authorization.id
        )
        return False
    return True


def payment_capture_authorization(*, authorization_id: str, amount: Decimal) -> None:
    """Capture a hold that is not an order's (an invoice or instalment payment):
    the call the outbox handler makes, once per message."""
    get_gateway().capture(authorization_id=authorization_id, amount=amount)


def payment_capture_after_commit(*, authorization_id: str, amount: Decimal) -> None:
    """Capture ``authorization_id`` once the caller's transaction commits: an
    outbox row written in it, so a gateway outage delays the capture and loses
    nothing (call inside the transaction that records what the money pays)."""
    outbox_emit(
        topic=topics.CAPTURE_AUTHORIZATION,
        payload={"authorization": authorization_id, "amount": str(amount)},
    )


def payment_refund_after_commit(
    *, authorization_id: str, amount: Decimal, order_id: int | None = None, key: str
) -> None:
    """Refund ``amount`` captured on ``authorization_id`` (not an order's own card
    source: an instalment collection) once the caller's transaction commits, as
    an outbox row with ``key`` (one refund per key)."""
    outbox_emit(
        topic=topics.REFUND_AUTHORIZATION,
        payload={"authorization": authorization_id, "amount": str(amount), "order": order_id},
        key=key,
    )


def payment_refund_authorization(
    *, authorization_id: str, amount: Decimal, order_id: int | None = None
) -> None:
    """Give back ``amount`` captured on ``authorization_id`` (the outbox handler's
    call, once per message), recorded as a refund event of the order when given.
    A refund before its capture went through fails and is retried."""
    receipt = get_gateway().refund(authorization_id=authorization_id, amount=amount)
    if order_id is not None:
        order = get_model("order", "Order").objects.filter(pk=order_id).first()
        if order is not None:
            _event(order, REFUND_EVENT, amount, receipt.id)


def _card_source(order, *, lock: bool):
    sources = Source.objects.filter(order=order, source_type__code=CARD)
    if lock:
        sources = sources.select_for_update(of=("self",))
    return sources.first()


@transaction.atomic
def payment_capture(*, order) -> bool:
    """Take the authorized amount, once. Returns False if there was nothing to capture."""
    source = _card_source(order, lock=True)
    if source is None or source.amount_debited >= source.amount_allocated:
        return False
    amount = source.amount_allocated - source.amount_debited
    receipt = get_gateway().capture(authorization_id=source.reference, amount=amount)
    source.debit(amount, reference=receipt.id, status="Success")
    _event(order, PAID_EVENT, amount, receipt.id)
    return True


@transaction.atomic
def payment_void(*, order) -> bool:
    """Release an uncaptured hold (rejected or cancelled order)."""
    source = _card_source(order, lock=True)
    if source is None or source.amount_debited > 0 or source.amount_allocated == 0:
        return False
    receipt = get_gateway().void(authorization_id=source.reference)
    amount = source.amount_allocated
    source.amount_allocated = Decimal("0.00")
    source.save(update_fields=["amount_allocated"])
    Transaction.objects.create(
        source=source, txn_type="Void", amount=amount, reference=receipt.id, status="Success"
    )
    _event(order, VOID_EVENT, amount, receipt.id)
    return True


@transaction.atomic
def payment_refund(*, order, amount: Decimal | None = None) -> Decimal:
    """Give back captured money (all of it by default); returns the amount refunded."""
    source = _card_source(order, lock=True)
    if source is None:
        return Decimal("0.00")
    available = source.amount_debited - source.amount_refunded
    amount = available if amount is None else min(amount, available)
    if amount <= 0:
        return Decimal("0.00")
    receipt = get_gateway().refund(authorization_id=source.reference, amount=amount)
    source.refund(amount, reference=receipt.id, status="Success")
    _event(order, REFUND_EVENT, amount, receipt.id)
    return amount


# --- an edited order's card payment (the edit holds the order's lock) ---------------------

ADJUST_EVENT = "Authorization adjusted"


def payment_source_lock(order):
    """Step 6 of the lock order: the order's card source (None without one)."""
    return _card_source(order, lock=True)


def payment_adjust_after_edit(*, order, source, amount: Decimal, authorization=None) -> str:
    """Make the card payment of an edited order cover ``amount`` (its locked
    ``source``; inside the edit's transaction, no gateway call here). Returns
    what was done: ``"reauthorized"`` (``authorization``, taken before the
    locks for the new total, replaces the hold; the old hold is voided after
    commit), ``"lowered"`` (less will be captured from the same hold),
    ``"refund"`` (already captured: the difference is refunded after commit)
    or ``""`` (nothing to change)."""
    debited = source.amount_debited - source.amount_refunded
    if source.amount_debited > 0:
        if amount < debited:
            outbox_emit(
                topic=topics.REFUND_ORDER,
                payload={"order": order.pk, "amount": str(debited - amount)},
            )
            _event(order, ADJUST_EVENT, amount, source.reference)
            return "refund"
        return ""
    if authorization is not None:
        old = source.reference
        source.reference = authorization.id
        source.amount_allocated = authorization.amount
        source.save(update_fields=["reference", "amount_allocated"])
        _record_authorise(source, authorization)
        outbox_emit(topic=topics.VOID_AUTHORIZATION, payload={"authorization": old})
        _event(order, ADJUST_EVENT, authorization.amount, authorization.id)
        return "reauthorized"
    if amount == source.amount_allocated:
        return ""
    if amount > source.amount_allocated:
        raise PaymentError("The new total is higher than the card hold: authorise the card again.")
    source.amount_allocated = amount
    source.save(update_fields=["amount_allocated"])
    _event(order, ADJUST_EVENT, amount, source.reference)
    return "lowered"


def payment_needs_new_authorization(*, order, amount: Decimal) -> bool:
    """Whether an edit to ``amount`` needs the card authorised again (more than
    the hold, nothing captured yet), read without locks for the preview."""
    source = _card_source(order, lock=False)
    return source is not None and source.amount_debited == 0 and amount > source.amount_allocated


def payment_captured_amount(order) -> Decimal:
    source = _card_source(order, lock=False)
    if source is None:
        return Decimal("0.00")
    return source.amount_debited - source.amount_refunded


def payment_void_authorization_id(authorization_id: str) -> None:
    """The outbox handler's call: release a replaced hold."""
    get_gateway().void(authorization_id=authorization_id)
