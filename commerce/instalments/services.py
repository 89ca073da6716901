"""Instalments: who may pay in 3, 6 or 12 monthly parts at 0 %, the plan an
order gets at placement, collecting the parts by card, and paying off early.

The first part is the card payment of the order itself (authorized before the
order's transaction, captured like any card order); the rest is held on the
consumer's personal credit account (``billing.credit``, lock order step 7) and
falls as each part is collected. A part that cannot be collected puts the plan
and the account on hold (no new instalment or pay-later orders).

Each part is announced by email a few days before it is due
(``INSTALMENT_REMINDER_DAYS``) and receipted when collected, once each (outbox
rows with keys). Cancelling the order cancels the plan: the unpaid parts are
cancelled and their hold released; paid parts are refunded through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.core.cache import cache, cache_version, cache_version_bump
from commerce.core.money import quantize
from commerce.instalments import topics
from commerce.instalments.exceptions import InstalmentError, InstalmentsNotAvailable
from commerce.instalments.models import COUNTS, Instalment, InstalmentOffer, InstalmentPlan
from commerce.instalments.schedule import schedule, split
from commerce.outbox.services import outbox_emit
from commerce.payments import services as payments
from commerce.payments.gateway import PaymentError, get_gateway

ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")

MINIMUM_PART = Decimal("1.00")


OFFERS_VERSION = "instalments:offers-version"


def offer_tiers() -> frozenset[int]:
    """Loyalty tiers that some active offer names (cached; any change to an offer
    starts a new version)."""
    key = f"instalments:offer-tiers:{cache_version(OFFERS_VERSION)}"
    tiers = cache.get(key)
    if tiers is None:
        tiers = frozenset(
            InstalmentOffer.loyalty_tiers.through.objects.filter(
                instalmentoffer__is_active=True
            ).values_list("loyaltytier_id", flat=True)
        )
        cache.set(key, tiers, 60 * 60)
    return tiers


def bump_offers(**kwargs) -> None:
    cache_version_bump(OFFERS_VERSION)


def connect() -> None:
    through = InstalmentOffer.loyalty_tiers.through
    m2m_changed.connect(bump_offers, sender=through, dispatch_uid="instalment-offer-tiers")
    post_save.connect(bump_offers, sender=InstalmentOffer, dispatch_uid="instalment-offer-save")
    post_delete.connect(bump_offers, sender=InstalmentOffer, dispatch_uid="instalment-offer-del")


def _eligible_offer_filter(user) -> Q:
    return Q(is_active=True, loyalty_tiers__customers__user=user)


def eligible_product_ids(user, product_ids, *, tier_id=-1) -> set[int]:
    """Those of ``product_ids`` that ``user`` may pay in instalments (product or
    category flag, and the user's loyalty tier). ``tier_id``, when the caller
    knows it (None: no tier), spares the queries for tiers no offer names."""
    product_ids = set(product_ids)
    if not product_ids or user is None or not user.is_authenticated:
        return set()
    if tier_id != -1 and tier_id not in offer_tiers():
        return set()
    offers = InstalmentOffer.objects.filter(_eligible_offer_filter(user)).distinct()
    offer_ids = list(offers.values_list("pk", flat=True))
    if not offer_ids:
        return set()
    eligible = set(
        InstalmentOffer.products.through.objects.filter(
            instalmentoffer_id__in=offer_ids, product_id__in=product_ids
        ).values_list("product_id", flat=True)
    )
    roots = list(
        Category.objects.filter(
            pk__in=InstalmentOffer.categories.through.objects.filter(
                instalmentoffer_id__in=offer_ids
            ).values("category_id")
        ).values_list("path", flat=True)
    )
    if roots:
        under = Q()
        for path in roots:
            under |= Q(category__path__startswith=path)
        eligible |= set(
            ProductCategory.objects.filter(under, product_id__in=product_ids).values_list(
                "product_id", flat=True
            )
        )
    return eligible


def instalments_check(*, user, basket, count: int, total: Decimal) -> None:
    """Raise ``InstalmentsNotAvailable`` unless ``user`` may pay this basket in
    ``count`` instalments: a qualifying tier, every line eligible, a credit account."""
    if count not in COUNTS:
        raise InstalmentsNotAvailable("Choose 3, 6 or 12 instalments.")
    if user is None or not user.is_authenticated:
        raise InstalmentsNotAvailable("Sign in to pay in instalments.")
    lines = list(basket.all_lines())
    owners = {line.product.parent_id or line.product_id for line in lines}
    products = {line.product_id for line in lines} | owners
    eligible = eligible_product_ids(user, products)
    for line in lines:
        if line.product_id not in eligible and (line.product.parent_id or 0) not in eligible:
            raise InstalmentsNotAvailable(
                f"{line.product.get_title()} cannot be paid in instalments."
            )
    account = credit.account_for_user(user)
    if account is None or not account.is_active or account.credit_limit <= 0:
        raise InstalmentsNotAvailable("Your account has no credit for instalments.")
    if total < MINIMUM_PART * count:
        raise InstalmentsNotAvailable("This order is too small to pay in instalments.")


def instalments_offer(*, user, basket, total: Decimal, currency: str) -> tuple[int, ...]:
    """The counts ``user`` may pay this basket in: none unless the tier and every
    line qualify (``instalments_check``) and the account, not on hold, has the
    credit for what follows the first part; then each count whose parts are not
    too small."""
    try:
        instalments_check(user=user, basket=basket, count=COUNTS[0], total=total)
    except InstalmentsNotAvailable:
        return ()
    standing = credit.standing(credit.account_for_user(user))
    if standing.on_hold or standing.currency != currency:
        return ()
    return tuple(
        count
        for count in COUNTS
        if total >= MINIMUM_PART * count
        and total - first_part(total, count, currency) <= standing.available
    )


def first_part(total: Decimal, count: int, currency: str) -> Decimal:
    """What the card is charged at placement."""
    return split(total, count, currency)[0]


def instalments_reserve(*, user, order_number: str, total: Decimal, count: int, currency: str):
    """Step 7 of the lock order, in the order's transaction: hold what follows the
    first part on the consumer's credit account (refused over the limit)."""
    account = credit.account_for_user(user)
    if account is None:
        raise InstalmentsNotAvailable("Your account has no credit for instalments.")
    later = quantize(total - first_part(total, count, currency), currency)
    account, _entry = credit.credit_instalments_reserve(
        account=account, order_number=order_number, amount=later, currency=currency, actor=user
    )
    return account


def plan_create(
    *, order, account, count: int, card_token: str, reference: str, today: date | None = None
) -> InstalmentPlan:
    """The order's schedule: the first part paid (by the order's card payment), the
    rest due monthly from today."""
    total = quantize(order.total_incl_tax, order.currency)
    plan = InstalmentPlan.objects.create(
        order=order,
        user=order.user,
        account=account,
        count=count,
        total=total,
        currency=order.currency,
        card_token=card_token,
    )
    parts = schedule(total, count, order.currency, start=today or timezone.localdate())
    now = timezone.now()
    Instalment.objects.bulk_create(
        Instalment(
            plan=plan,
            number=part.number,
            due=part.due,
            amount=part.amount,
            status=Instalment.Status.PAID if part.number == 1 else Instalment.Status.SCHEDULED,
            paid_at=now if part.number == 1 else None,
            reference=reference if part.number == 1 else "",
        )
        for part in parts
    )
    return plan


def outstanding(plan: InstalmentPlan) -> Decimal:
    """What is still to pay on ``plan`` (the parts not yet paid nor cancelled)."""
    amounts = plan.instalments.filter(status__in=Instalment.OPEN).values_list("amount", flat=True)
    return quantize(sum(amounts, Decimal("0")), plan.currency)


@dataclass(frozen=True)
class Collection:
    paid: list[int]
    failed: list[int]


def _charge(plan: InstalmentPlan, amount: Decimal, reference: str):
    """Authorize ``amount`` on the plan's card (sandbox); no lock held. The capture
    follows through the outbox once the parts are settled (``_settle``)."""
    gateway = get_gateway()
    authorization = gateway.authorize(
        token=plan.card_token, amount=amount, currency=plan.currency, reference=reference
    )
    return gateway, authorization


def _settle(plan_id: int, instalment_ids: list[int], reference: str) -> Decimal | None:
    """In one transaction under the plan's lock (step 6b): mark the parts paid,
    lower the account's exposure and queue the capture of ``reference`` (the
    card authorization) as an outbox row of this transaction. None when they are
    no longer due (another run paid)."""
    with transaction.atomic():
        plan = InstalmentPlan.objects.select_for_update().get(pk=plan_id)
        parts = list(Instalment.objects.filter(pk__in=instalment_ids, status__in=Instalment.OPEN))
        if len(parts) != len(instalment_ids) or plan.status == InstalmentPlan.Status.CANCELLED:
            return None
        amount = quantize(sum((p.amount for p in parts), Decimal("0")), plan.currency)
        now = timezone.now()
        Instalment.objects.filter(pk__in=instalment_ids).update(
            status=Instalment.Status.PAID, paid_at=now, reference=reference
        )
        credit.credit_instalment_paid(
            account=plan.account,
            amount=amount,
            reason=f"Order {plan.order.number}: instalments "
            + ", ".join(str(p.number) for p in parts)
            + " paid",
        )
        if not plan.instalments.filter(status__in=Instalment.OPEN).exists():
            plan.status = InstalmentPlan.Status.PAID
            plan.save(update_fields=["status"])
        payments.payment_capture_after_commit(authorization_id=reference, amount=amount)
        outbox_emit(
            topic=topics.RECEIPT_EMAIL,
            payload={"plan": plan.pk, "reference": reference, "amount": str(amount)},
            key=f"instalments.receipt:{plan.pk}:{reference}",
        )
        return amount


def _pay(plan: InstalmentPlan, parts: list[Instalment], reference: str) -> bool:
    amount = quantize(sum((p.amount for p in parts), Decimal("0")), plan.currency)
    gateway, authorization = _charge(plan, amount, reference)
    settled = _settle(plan.pk, [p.pk for p in parts], authorization.id)
    if settled is None:
        gateway.void(authorization_id=authorization.id)
        return False
    return True


def _fail(plan: InstalmentPlan, instalment: Instalment, reason: str) -> None:
    with transaction.atomic():
        plan = InstalmentPlan.objects.select_for_update().get(pk=plan.pk)
        Instalment.objects.filter(pk=instalment.pk).update(status=Instalment.Status.FAILED)
        plan.status = InstalmentPlan.Status.ON_HOLD
        plan.save(update_fields=["status"])
        credit.credit_hold(
            account=plan.account,
            reason=f"Instalment {instalment.number} of order {plan.order.number}: {reason}",
            automatic=True,
        )


def instalments_collect(*, today: date | None = None) -> Collection:
    """Collect every part due by ``today`` by card; a refusal puts the plan and the
    account on hold (each plan charged outside any lock, then settled under it)."""
    today = today or timezone.localdate()
    paid, failed = [], []
    due = (
        Instalment.objects.filter(
            due__lte=today,
            status__in=[Instalment.Status.SCHEDULED, Instalment.Status.FAILED],
            plan__status__in=[InstalmentPlan.Status.ACTIVE, InstalmentPlan.Status.ON_HOLD],
        )
        .select_related("plan", "plan__order")
        .order_by("plan_id", "number")
    )
    for instalment in due:
        Instalment.objects.filter(pk=instalment.pk).update(attempts=instalment.attempts + 1)
        reference = f"{instalment.plan.order.number}-{instalment.number}"
        try:
            if _pay(instalment.plan, [instalment], reference):
                paid.append(instalment.pk)
        except PaymentError as error:
            _fail(instalment.plan, instalment, error.message)
            failed.append(instalment.pk)
    return Collection(paid=paid, failed=failed)


def plan_pay_off(*, plan: InstalmentPlan, user) -> Decimal:
    """Pay every part still open at once, by the plan's card."""
    if plan.user_id != getattr(user, "pk", None):
        raise InstalmentError("This is not your instalment plan.")
    if plan.status == InstalmentPlan.Status.CANCELLED:
        raise InstalmentError("This plan was cancelled with its order.")
    parts = list(plan.instalments.filter(status__in=Instalment.OPEN))
    if not parts:
        raise InstalmentError("This plan is paid in full.")
    amount = quantize(sum((p.amount for p in parts), Decimal("0")), plan.currency)
    if not _pay(plan, parts, f"{plan.order.number}-payoff"):
        raise InstalmentError("The plan changed meanwhile; please try again.")
    return amount


def instalments_remind(*, today: date | None = None) -> list[int]:
    """Queue a reminder for every part due within ``INSTALMENT_REMINDER_DAYS``
    (and not yet due) of an active plan, once per part: the part is marked by one
    conditional update, its email is an outbox row with the part's key, so a
    rerun, a retry or two beats at once send nothing twice. Returns the parts
    reminded now."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.INSTALMENT_REMINDER_DAYS)
    due = Instalment.objects.filter(
        status=Instalment.Status.SCHEDULED,
        reminded_on__isnull=True,
        due__gt=today,
        due__lte=horizon,
        plan__status=InstalmentPlan.Status.ACTIVE,
    ).values_list("pk", flat=True)
    reminded = []
    for pk in list(due):
        with transaction.atomic():
            if not Instalment.objects.filter(pk=pk, reminded_on__isnull=True).update(
                reminded_on=today
            ):
                continue  # another run took it
            outbox_emit(
                topic=topics.REMINDER_EMAIL,
                payload={"instalment": pk},
                key=f"instalments.reminder:{pk}",
            )
        reminded.append(pk)
    return reminded


@dataclass(frozen=True)
class Release:
    cancelled: list[int]
    released: Decimal
    refunds: dict[str, Decimal]


def plan_release(*, order, actor=None) -> Release | None:
    """In the cancelling order's transaction, after the order's lock (step 4):
    lock the plan (6b), cancel its unpaid parts, give their hold back on the
    credit account (7), and queue a refund of each paid part after the first
    (each collection's own card authorization) as an outbox row. The first
    part is the order's card payment: the order's release voids or refunds it.
    Once only: a cancelled plan is left as it is. None without a plan."""
    plan = (
        InstalmentPlan.objects.select_for_update()
        .select_related("account")
        .filter(order_id=order.pk)
        .first()
    )
    if plan is None or plan.status == InstalmentPlan.Status.CANCELLED:
        return None
    parts = list(plan.instalments.order_by("number"))
    unpaid = [p for p in parts if p.status in Instalment.OPEN]
    released = quantize(sum((p.amount for p in unpaid), Decimal("0")), plan.currency)
    Instalment.objects.filter(pk__in=[p.pk for p in unpaid]).update(
        status=Instalment.Status.CANCELLED
    )
    plan.status = InstalmentPlan.Status.CANCELLED
    plan.save(update_fields=["status"])
    credit.credit_instalments_release(
        account=plan.account,
        amount=released,
        actor=actor,
        reason=f"Order {order.number} cancelled: instalments "
        + ", ".join(str(p.number) for p in unpaid)
        + " released",
    )
    refunds: dict[str, Decimal] = {}
    for part in parts:
        if part.number > 1 and part.status == Instalment.Status.PAID and part.reference:
            refunds[part.reference] = refunds.get(part.reference, Decimal("0")) + part.amount
    for reference, amount in refunds.items():
        payments.payment_refund_after_commit(
            authorization_id=reference,
            amount=quantize(amount, plan.currency),
            order_id=order.pk,
            key=f"instalments.refund:{plan.pk}:{reference}",
        )
    return Release(cancelled=[p.number for p in unpaid], released=released, refunds=refunds)
