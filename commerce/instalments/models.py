"""Instalment plans: which baskets may be paid in 3, 6 or 12 monthly instalments
(at 0 %), and each order's schedule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}
COUNTS = (3, 6, 12)


class InstalmentOffer(models.Model):
    """Products (or categories, with their subtrees) that consumers of
    ``loyalty_tiers`` may pay in instalments."""

    name = models.CharField(max_length=100)
    products = models.ManyToManyField("catalogue.Product", blank=True, related_name="+")
    categories = models.ManyToManyField("catalogue.Category", blank=True, related_name="+")
    loyalty_tiers = models.ManyToManyField("accounts.LoyaltyTier", related_name="+")
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class InstalmentPlan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold (a collection failed)")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled with its order")

    order = models.OneToOneField(
        "order.Order", on_delete=models.PROTECT, related_name="instalment_plan"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        "billing.CreditAccount", on_delete=models.PROTECT, related_name="instalment_plans"
    )
    count = models.PositiveSmallIntegerField(choices=[(n, str(n)) for n in COUNTS])
    total = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    # The gateway's card token (never card data), for the automatic collections.
    card_token = models.CharField(max_length=128)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.order} in {self.count} instalments"


class Instalment(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Collection failed")
        CANCELLED = "cancelled", _("Cancelled with its order")

    # Parts still to collect.
    OPEN = ("scheduled", "failed")

    plan = models.ForeignKey(InstalmentPlan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due = models.DateField()
    amount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    paid_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    reference = models.CharField(max_length=100, blank=True)
    # The day its reminder was queued (once per part).
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="instalments_one_number"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="instalments_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.order} {self.number}/{self.plan.count}"
