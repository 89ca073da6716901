"""Demo leads and dealer performance: leads in every state (offered, accepted,
contacted, quoted, won, lost, re-routed after a rejection and a lapse, stale,
with no dealer), answered surveys, six months of plans per dealer and region
(some regions without a plan) and last month's partner bonuses."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.dealers.models import DealerAssortment, DealerProfile
from commerce.leads import bonuses, services
from commerce.leads.models import DealerPartner, Lead, LeadOffer, PartnerTier, SalesPlan, Survey

Product = get_model("catalogue", "Product")

# postcode, name, what happens to the lead
LEADS = [
    ("10115", "Anna Becker", "offered"),
    ("10117", "Bernd Vogel", "accepted"),
    ("10243", "Clara Wolf", "contacted"),
    ("12043", "David Braun", "quoted"),
    ("10178", "Eva Schulz", "won"),
    ("80331", "Felix Huber", "won"),
    ("20095", "Greta Jensen", "lost"),
    ("10119", "Hans Richter", "rejected"),
    ("13353", "Ida König", "lapsed"),
    ("80333", "Jonas Maier", "stale"),
    ("99084", "Karl Erfurt", "unassigned"),
]

# Regions planned every month; "50" (Köln) has no regional plan, "20" only lately.
REGION_PLANS = {"10": "9000.00", "12": "3000.00", "80": "6000.00", "20": "4000.00"}


def _months_back(n: int) -> list[date]:
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(n):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return sorted(months)


@transaction.atomic
def seed_leads() -> int:
    """Idempotent: does nothing once leads exist."""
    if Lead.objects.exists():
        return 0
    assortment = DealerAssortment.objects.filter(category__isnull=False).first()
    if assortment is None:
        return 0
    product = Product.objects.filter(categories__path__startswith=assortment.category.path).first()
    now = timezone.now()
    created = 0
    for postcode, name, fate in LEADS:
        lead = services.lead_create(
            name=name,
            email=name.split()[0].lower() + "@example.com",
            postcode=postcode,
            country="DE",
            message="Please send me a quote with delivery and set-up.",
            product=product,
            consent=fate == "won",
            source="campaign" if created % 3 == 0 else "locator",
        )
        created += 1
        dealer = lead.dealer
        if fate in ("offered", "unassigned") or dealer is None:
            continue
        if fate == "rejected":
            services.lead_reject(lead_id=lead.pk, dealer=dealer, reason="Fully booked this month")
            continue
        if fate == "lapsed":
            LeadOffer.objects.filter(lead=lead, status="offered").update(deadline=now)
            services.lead_offer_lapse(offer_id=lead.offers.get(status="offered").pk)
            continue
        services.lead_accept(lead_id=lead.pk, dealer=dealer)
        if fate == "stale":
            Lead.objects.filter(pk=lead.pk).update(accepted_at=now - timedelta(days=20))
            continue
        if fate in ("contacted", "quoted", "won", "lost"):
            services.lead_outcome(lead_id=lead.pk, dealer=dealer, status="contacted")
        if fate in ("quoted", "won"):
            services.lead_outcome(
                lead_id=lead.pk, dealer=dealer, status="quoted", amount=Decimal("1290.00")
            )
        if fate == "won":
            services.lead_outcome(
                lead_id=lead.pk, dealer=dealer, status="won", amount=Decimal("1249.00")
            )
        if fate == "lost":
            services.lead_outcome(lead_id=lead.pk, dealer=dealer, status="lost", reason="price")
    services.leads_flag_stale()
    for n, survey in enumerate(Survey.objects.order_by("pk")):
        services.survey_answer(
            survey_id=survey.pk, stars=5 - n % 2, comment="Fast reply and a fair price."
        )
    _seed_plans()
    _seed_partner_programme()
    return created


def _seed_plans() -> None:
    months = _months_back(6)
    dealers = list(DealerProfile.objects.order_by("pk"))
    for month in months:
        for n, dealer in enumerate(dealers):
            SalesPlan.objects.get_or_create(
                month=month,
                dealer=dealer,
                defaults={"target": Decimal(2000 + 500 * n)},
            )
        for region, target in REGION_PLANS.items():
            if region == "20" and month < months[3]:
                continue
            SalesPlan.objects.get_or_create(
                month=month, dealer=None, region=region, defaults={"target": Decimal(target)}
            )


def _seed_partner_programme() -> None:
    gold, _ = PartnerTier.objects.get_or_create(
        code="gold",
        defaults={
            "name": "Gold partner",
            "over_plan_percent": Decimal("5.00"),
            "per_satisfied_order": Decimal("25.00"),
            "promotion_budget": Decimal("300.00"),
        },
    )
    silver, _ = PartnerTier.objects.get_or_create(
        code="silver",
        defaults={
            "name": "Silver partner",
            "over_plan_percent": Decimal("3.00"),
            "per_satisfied_order": Decimal("10.00"),
            "promotion_budget": Decimal("150.00"),
            "promotion_min_attainment": Decimal("0.80"),
        },
    )
    for n, dealer in enumerate(DealerProfile.objects.order_by("pk")):
        DealerPartner.objects.get_or_create(
            dealer=dealer, defaults={"tier": gold if n < 2 else silver}
        )
    # The month so far, so the bonuses show on the latest settlement statement.
    bonuses.bonuses_post_month(timezone.localdate().replace(day=1))
