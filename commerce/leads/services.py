"""Lead use cases: create and route, accept, reject, lapse and re-route,
outcomes, stale flags; surveys.

A lead row is locked on its own (``select_for_update`` of that one row, see
``commerce.core.locks``): every decision on it (accept, reject, lapse,
outcome) re-reads it and its open offer under that lock, so an accept racing
the deadline, or two re-routes at once, end in exactly one outcome. Side
effects (consumer status emails, the dealer's offer email, the survey email)
are outbox rows in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.core.locks import retry_on_conflict
from commerce.core.money import quantize
from commerce.dealers.facts import chain_for, load_facts
from commerce.dealers.models import DealerProfile, DealerRouting
from commerce.dealers.routing import route
from commerce.leads import topics
from commerce.leads.exceptions import LeadClosed, LeadError, LeadStepRefused, SurveyClosed
from commerce.leads.models import LOST_REASONS, Lead, LeadOffer, SalesPlan, Survey
from commerce.outbox.services import outbox_emit

Order = get_model("order", "Order")

LOST_REASON_CODES = tuple(code for code, _ in LOST_REASONS)
OUTCOMES = ("contacted", "quoted", "won", "lost")


def _chain(lead: Lead) -> list[str]:
    """The order routing chain of the lead's product, without the stock step
    (a lead has no lines)."""
    chain = chain_for({lead.product_id} if lead.product_id else set())
    return [step for step in chain if step != "stock"]


def _status_email(lead: Lead, event: str) -> None:
    outbox_emit(topic=topics.LEAD_STATUS_EMAIL, payload={"lead": lead.pk, "event": event})


def _route(lead: Lead, *, why: str = "") -> Lead:
    """Offer the lead to the best dealer not yet declined, or leave it with
    nobody (staff follow up). The lead row is locked (or new)."""
    facts = load_facts(
        country=lead.country, postcode=lead.postcode, lines=[], excluded=lead.declined
    )
    decision = route(facts, _chain(lead))
    lead.candidates = [c.as_dict() for c in decision.candidates]
    lead.dealer_id = decision.dealer
    if decision.dealer is None:
        lead.status = Lead.Status.UNASSIGNED
        lead.why = (why + " " if why else "") + "No dealer serves this address."
        lead.save(update_fields=["status", "why", "candidates", "dealer", "declined"])
        _status_email(lead, "unassigned")
        return lead
    lead.status = Lead.Status.OFFERED
    lead.why = (why + " Re-routed: " if why else "") + decision.why
    lead.save(update_fields=["status", "why", "candidates", "dealer", "declined"])
    now = timezone.now()
    offer = LeadOffer.objects.create(
        lead=lead,
        dealer_id=decision.dealer,
        offered_at=now,
        deadline=now + timedelta(hours=settings.LEAD_HOURS_TO_ACCEPT),
    )
    outbox_emit(topic=topics.LEAD_OFFER_EMAIL, payload={"offer": offer.pk})
    return lead


def lead_create(
    *,
    name: str,
    email: str,
    postcode: str,
    country: str,
    message: str = "",
    phone: str = "",
    product=None,
    category=None,
    kind: str = Lead.Kind.QUOTE,
    consent: bool = False,
    user=None,
    source: str = "direct",
    source_detail: dict | None = None,
) -> Lead:
    """A consumer's request: recorded, routed and offered to a dealer; the
    consumer gets a confirmation with the signed link to follow it."""
    with transaction.atomic():
        lead = Lead.objects.create(
            kind=kind,
            product=product,
            category=category,
            name=name.strip()[:128],
            email=email.strip(),
            phone=(phone or "").strip()[:32],
            postcode=postcode.replace(" ", "").upper()[:16],
            country=country.upper()[:2],
            message=(message or "").strip()[:2000],
            consent=consent,
            user=user if getattr(user, "is_authenticated", False) else None,
            status=Lead.Status.OFFERED,
            source=source,
            source_detail=source_detail or {},
        )
        _status_email(lead, "received")
        return _route(lead)


def _lock(lead_id: int) -> Lead:
    lead = Lead.objects.select_for_update().filter(pk=lead_id).first()
    if lead is None:
        raise LeadClosed("No such lead.")
    return lead


def _open_offer(lead: Lead, dealer: DealerProfile) -> LeadOffer:
    offer = (
        LeadOffer.objects.filter(lead=lead, dealer=dealer, status=LeadOffer.Status.OFFERED)
        .order_by("-pk")
        .first()
    )
    if offer is None or lead.dealer_id != dealer.pk or lead.status != Lead.Status.OFFERED:
        raise LeadClosed("This lead is no longer offered to you.")
    return offer


@retry_on_conflict
def lead_accept(*, lead_id: int, dealer: DealerProfile, now=None) -> Lead:
    """The offered dealer takes the lead before its deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        lead = _lock(lead_id)
        offer = _open_offer(lead, dealer)
        if offer.deadline <= now:
            raise LeadClosed("The time to accept this lead has run out.")
        offer.status, offer.decided_at = LeadOffer.Status.ACCEPTED, now
        offer.save(update_fields=["status", "decided_at"])
        lead.status, lead.accepted_at = Lead.Status.ACCEPTED, now
        lead.save(update_fields=["status", "accepted_at"])
        _status_email(lead, "accepted")
    return lead


@retry_on_conflict
def lead_reject(*, lead_id: int, dealer: DealerProfile, reason: str) -> Lead:
    """The offered dealer turns the lead down (a reason is required): it goes
    to the next dealer."""
    reason = (reason or "").strip()
    if not reason:
        raise LeadError("Say why you reject the lead.")
    with transaction.atomic():
        lead = _lock(lead_id)
        offer = _open_offer(lead, dealer)
        offer.status, offer.decided_at, offer.reason = (
            LeadOffer.Status.REJECTED,
            timezone.now(),
            reason[:500],
        )
        offer.save(update_fields=["status", "decided_at", "reason"])
        lead.declined = sorted({*lead.declined, dealer.pk})
        return _route(lead, why=f"{dealer.company.name} rejected: {reason[:200]}.")


@retry_on_conflict
def lead_offer_lapse(*, offer_id: int, now=None) -> bool:
    """Lapse one lead offer past its deadline and re-route the lead; False when
    it was decided meanwhile (decided once, under the lead's lock)."""
    now = now or timezone.now()
    lead_id = LeadOffer.objects.filter(pk=offer_id).values_list("lead_id", flat=True).first()
    if lead_id is None:
        return False
    with transaction.atomic():
        lead = _lock(lead_id)
        offer = LeadOffer.objects.select_related("dealer__company").get(pk=offer_id)
        if offer.status != LeadOffer.Status.OFFERED or offer.deadline > now:
            return False
        offer.status, offer.decided_at, offer.reason = (
            LeadOffer.Status.LAPSED,
            now,
            "not accepted in time",
        )
        offer.save(update_fields=["status", "decided_at", "reason"])
        lead.declined = sorted({*lead.declined, offer.dealer_id})
        _route(lead, why=f"{offer.dealer.company.name} let the lead lapse.")
    return True


def lead_offers_lapse_due(*, now=None) -> int:
    """The scheduled sweep: lapse every lead offer past its deadline (each on its own)."""
    now = now or timezone.now()
    due = LeadOffer.objects.filter(status=LeadOffer.Status.OFFERED, deadline__lte=now)
    return sum(
        1
        for pk in due.order_by("deadline", "pk").values_list("pk", flat=True)[:500]
        if lead_offer_lapse(offer_id=pk, now=now)
    )


def leads_flag_stale(*, now=None) -> int:
    """Flag accepted leads with no final outcome ``LEAD_STALE_DAYS`` after
    acceptance; the flag stays (it counts against the dealer)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.LEAD_STALE_DAYS)
    return Lead.objects.filter(
        status__in=Lead.OPEN, accepted_at__lte=cutoff, stale_at__isnull=True
    ).update(stale_at=now)


def _amount(value, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise LeadError(f"Enter the {what} as an amount.") from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e10"):
        raise LeadError(f"The {what} must be a positive amount.")
    return quantize(amount)


ALLOWED_FROM = {
    "contacted": ("accepted",),
    "quoted": ("accepted", "contacted", "quoted"),
    "won": ("accepted", "contacted", "quoted"),
    "lost": ("accepted", "contacted", "quoted"),
}


@retry_on_conflict
def lead_outcome(
    *, lead_id: int, dealer: DealerProfile, status: str, amount=None, reason: str = "", now=None
) -> Lead:
    """The dealer reports how the lead went: contacted, quoted (amount), won
    (order value) or lost (a reason from ``LOST_REASONS``)."""
    if status not in OUTCOMES:
        raise LeadError("The outcome is one of: " + ", ".join(OUTCOMES) + ".")
    value = None
    if status == "quoted":
        value = _amount(amount, "quoted amount")
    elif status == "won":
        value = _amount(amount, "order value")
    if status == "lost" and reason not in LOST_REASON_CODES:
        raise LeadError("The reason is one of: " + ", ".join(LOST_REASON_CODES) + ".")
    now = now or timezone.now()
    with transaction.atomic():
        lead = _lock(lead_id)
        if lead.dealer_id != dealer.pk:
            raise LeadClosed("This lead is not yours.")
        if lead.status not in ALLOWED_FROM[status]:
            raise LeadStepRefused(f"A lead that is {lead.status} cannot become {status}.")
        fields = ["status"]
        lead.status = status
        if status == "contacted":
            lead.contacted_at = now
            fields.append("contacted_at")
        elif status == "quoted":
            lead.quoted_at, lead.quoted_amount = now, value
            fields += ["quoted_at", "quoted_amount"]
        elif status == "won":
            lead.closed_at, lead.won_amount = now, value
            fields += ["closed_at", "won_amount"]
        else:
            lead.closed_at, lead.lost_reason = now, reason
            fields += ["closed_at", "lost_reason"]
        lead.save(update_fields=fields)
        _status_email(lead, status)
        if status == "won":
            survey_send(dealer_id=dealer.pk, email=lead.email, lead=lead)
    return lead


def survey_send(*, dealer_id: int, email: str, lead=None, order=None) -> Survey | None:
    """Ask the consumer to rate the dealer (once per order or lead); inside a
    transaction, the email through the outbox."""
    if not email:
        return None
    survey, created = Survey.objects.get_or_create(
        lead=lead, order=order, defaults={"dealer_id": dealer_id, "email": email}
    )
    if created:
        outbox_emit(topic=topics.SURVEY_EMAIL, payload={"survey": survey.pk})
    return survey


def survey_answer(*, survey_id: int, stars, comment: str = "") -> Survey:
    """Record the consumer's 1-5 stars; the link works once."""
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        raise LeadError("Choose 1 to 5 stars.") from None
    if not 1 <= stars <= 5:
        raise LeadError("Choose 1 to 5 stars.")
    with transaction.atomic():
        survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
        if survey is None or survey.answered_at is not None:
            raise SurveyClosed("This survey was already answered.")
        survey.stars, survey.comment, survey.answered_at = (
            stars,
            (comment or "").strip()[:2000],
            timezone.now(),
        )
        survey.save(update_fields=["stars", "comment", "answered_at"])
    return survey


def surveys_for_delivered_orders(*, now=None) -> int:
    """Ask for a rating after each dealer-delivered order (once per order)."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.SURVEY_LINK_DAYS)
    rows = list(
        DealerRouting.objects.filter(
            status=DealerRouting.Status.DELIVERED, delivered_at__gte=since, dealer__isnull=False
        )
        .exclude(order_id__in=Survey.objects.filter(order__isnull=False).values("order_id"))
        .values_list("order_id", "dealer_id", "order__guest_email", "order__user__email")[:500]
    )
    sent = 0
    for order_id, dealer_id, guest_email, user_email in rows:
        with transaction.atomic():
            if survey_send(
                dealer_id=dealer_id, email=user_email or guest_email or "", order=Order(pk=order_id)
            ):
                sent += 1
    return sent


def lead_may_convert(lead: Lead) -> bool:
    """A won lead whose consumer agreed may become an order in this shop (once)."""
    return (
        lead.status == Lead.Status.WON
        and lead.consent
        and lead.order_id is None
        and lead.product_id is not None
    )


def lead_link_order(*, lead_id: int, order_id: int) -> bool:
    """The consumer placed the won lead as an order (through the storefront
    checkout): link it once. Its value then counts as the order's revenue,
    not again as a lead won."""
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(pk=lead_id).first()
        if lead is None or not lead_may_convert(lead):
            return False
        lead.order_id = order_id
        lead.save(update_fields=["order"])
    return True


def plan_set(*, month, target, dealer=None, region: str = "") -> SalesPlan:
    """Staff set one month's target for a dealer or (no dealer) a postcode region."""
    region = (region or "").strip()
    if (dealer is None) == (not region):
        raise LeadError("Choose a dealer or a postcode region, not both.")
    if region and not (region.isdigit() and len(region) == 2):
        raise LeadError("A region is the first two digits of a postcode.")
    try:
        target = quantize(Decimal(str(target)))
    except (InvalidOperation, ValueError):
        raise LeadError("Enter the target as an amount.") from None
    if not target.is_finite() or target < 0:
        raise LeadError("The target is zero or more.")
    plan, _ = SalesPlan.objects.update_or_create(
        month=month.replace(day=1),
        dealer=dealer,
        region="" if dealer is not None else region,
        defaults={"target": target},
    )
    return plan
