"""Leads, their offers to dealers, satisfaction surveys and monthly plans.

A ``Lead`` is a consumer's request for a dealer's quote, advice or
installation. It is routed like an order (``commerce.dealers.routing``) and
offered to one dealer at a time (``LeadOffer``, one open per lead); the
dealer that accepts it reports the outcome: contacted -> quoted (amount) ->
won (value) or lost (reason). A ``Survey`` asks the consumer for 1-5 stars
after a dealer-delivered order or a won lead. ``SalesPlan`` is a monthly
target for one dealer or one postcode region.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

LOST_REASONS = (
    ("price", "Price too high"),
    ("competitor", "Bought elsewhere"),
    ("no_response", "Consumer did not respond"),
    ("not_available", "Product not available"),
    ("postponed", "Consumer postponed"),
    ("other", "Other"),
)

SOURCES = (
    ("direct", "Direct"),
    ("locator", "Dealer locator"),
    ("lead", "Lead"),
    ("campaign", "Campaign"),
    ("referral", "Dealer referral link"),
)


class Lead(models.Model):
    class Kind(models.TextChoices):
        QUOTE = "quote", "Quote"
        ADVICE = "advice", "Advice"
        INSTALLATION = "installation", "Installation"

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        CONTACTED = "contacted", "Contacted"
        QUOTED = "quoted", "Quoted"
        WON = "won", "Won"
        LOST = "lost", "Lost"
        UNASSIGNED = "unassigned", "No dealer"

    OPEN = ("accepted", "contacted", "quoted")

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.QUOTE)
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "catalogue.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=128)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    postcode = models.CharField(max_length=16)
    country = models.CharField(max_length=2)
    message = models.TextField(max_length=2000, blank=True)
    consent = models.BooleanField(
        default=False, help_text="The consumer agrees that an order may be placed for them"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    status = models.CharField(max_length=10, choices=Status.choices)
    dealer = models.ForeignKey(
        "dealers.DealerProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    why = models.TextField(blank=True)
    candidates = models.JSONField(default=list)
    declined = models.JSONField(default=list, help_text="Dealers that rejected or let it lapse")

    accepted_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    quoted_at = models.DateTimeField(null=True, blank=True)
    quoted_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    won_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    lost_reason = models.CharField(max_length=16, choices=LOST_REASONS, blank=True)
    stale_at = models.DateTimeField(
        null=True, blank=True, help_text="Flagged: no outcome reported in time"
    )
    order = models.ForeignKey(
        "order.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    currency = models.CharField(max_length=3, default="EUR")

    source = models.CharField(max_length=10, choices=SOURCES, default="direct")
    source_detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["dealer", "status"]),
            models.Index(fields=["status", "accepted_at"]),
        ]

    def __str__(self) -> str:
        return f"lead {self.pk} ({self.status})"


class LeadOffer(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        LAPSED = "lapsed", "Lapsed"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="offers")
    dealer = models.ForeignKey(
        "dealers.DealerProfile", on_delete=models.PROTECT, related_name="lead_offers"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    offered_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["offered_at", "pk"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["dealer", "offered_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"], condition=models.Q(status="offered"), name="lead_offer_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"lead {self.lead_id} -> {self.dealer_id} ({self.status})"


class Survey(models.Model):
    """One consumer's rating of one dealer, for an order or a won lead; the
    signed link is single-use (``answered_at``)."""

    dealer = models.ForeignKey(
        "dealers.DealerProfile", on_delete=models.CASCADE, related_name="surveys"
    )
    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    lead = models.OneToOneField(
        Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="survey"
    )
    email = models.EmailField()
    stars = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(max_length=2000, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(order__isnull=False) | models.Q(lead__isnull=False),
                name="survey_subject",
            )
        ]

    def __str__(self) -> str:
        return f"survey {self.pk}: {self.stars or '-'}"


class SalesPlan(models.Model):
    """A monthly sales target (net of tax) for one dealer or one postcode region."""

    month = models.DateField(help_text="First day of the month")
    dealer = models.ForeignKey(
        "dealers.DealerProfile",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plans",
    )
    region = models.CharField(
        max_length=8, blank=True, help_text="Two-digit postcode region (when no dealer)"
    )
    target = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dealer__isnull=False) | ~models.Q(region=""),
                name="plan_dealer_or_region",
            ),
            models.UniqueConstraint(
                fields=["month", "dealer"],
                condition=models.Q(dealer__isnull=False),
                name="plan_one_per_dealer_month",
            ),
            models.UniqueConstraint(
                fields=["month", "region"],
                condition=models.Q(dealer__isnull=True),
                name="plan_one_per_region_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dealer_id or self.region}: {self.target}"


class Attribution(models.Model):
    """How a storefront order came (frozen at placement from the session)."""

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=SOURCES, default="direct")
    detail = models.JSONField(default=dict, blank=True)
    dealer = models.ForeignKey(
        "dealers.DealerProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.order_id}: {self.source}"


class PartnerTier(models.Model):
    """The partner programme's bonus rules for the dealers of one tier, per month:

    - ``over_plan_percent``: a percentage of the month's actual sales above its
      plan (only when the plan is met);
    - ``per_satisfied_order``: a fixed amount per satisfied order or won lead
      (a survey answered with 4 or 5 stars in the month);
    - ``promotion_budget``: a fixed co-funded promotion budget, paid when the
      dealer reached ``promotion_min_attainment`` of its plan.
    """

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    over_plan_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    per_satisfied_order = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    promotion_budget = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    promotion_min_attainment = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="Share of plan (1.00 = 100 %) needed for the promotion budget",
    )

    def __str__(self) -> str:
        return self.name


class DealerPartner(models.Model):
    dealer = models.OneToOneField(
        "dealers.DealerProfile", on_delete=models.CASCADE, related_name="partner"
    )
    tier = models.ForeignKey(PartnerTier, on_delete=models.PROTECT, related_name="dealers")

    def __str__(self) -> str:
        return f"{self.dealer_id}: {self.tier_id}"


class BonusLine(models.Model):
    """One computed bonus of one dealer for one month, with how it was computed;
    its ledger entry carries the same explanation onto the settlement statement."""

    class Kind(models.TextChoices):
        OVER_PLAN = "over_plan", "Sales over plan"
        SATISFIED = "satisfied", "Satisfied orders"
        PROMOTION = "promotion", "Co-funded promotion"

    dealer = models.ForeignKey(
        "dealers.DealerProfile", on_delete=models.PROTECT, related_name="bonus_lines"
    )
    month = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    explanation = models.CharField(max_length=255)
    entry = models.OneToOneField(
        "dealers.DealerLedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["month", "dealer_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "month", "kind"], name="bonus_once_per_dealer_month_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.month:%Y-%m} {self.kind}: {self.amount}"
