"""Dealers: companies that fulfil storefront orders in their territory.

A dealer is a company of the one customer store with a ``DealerProfile``.
Its stock is kept per product in ``DealerStock`` (apart from the
manufacturer's warehouses, whose stock records the pricing strategy and the
warehouse routing read). An order routed to dealers has one ``DealerRouting``
row (the decision, its reasons and the fulfilment state) and one
``DealerOffer`` per dealer it was offered to. Money earned or reversed is an
append-only ``DealerLedgerEntry``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

ROUTING_STEPS = ("territory", "stock", "rating", "distance", "capacity", "rotation")
DEFAULT_CHAIN = list(ROUTING_STEPS)


class DealerProfile(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    company = models.OneToOneField(
        "accounts.Company", on_delete=models.CASCADE, related_name="dealer_profile"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    country = models.CharField(max_length=2, default="DE", help_text="ISO 3166-1 alpha-2")
    postcode_prefixes = models.JSONField(
        default=list, blank=True, help_text='Postcode prefixes served, e.g. ["10", "12"]'
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    radius_km = models.PositiveIntegerField(
        null=True, blank=True, help_text="Serves addresses this close to its location"
    )
    hours_to_accept = models.PositiveIntegerField(default=24)
    hours_to_ship = models.PositiveIntegerField(default=48)
    daily_capacity = models.PositiveIntegerField(default=20, help_text="Orders offered per day")
    commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percent of the line price (excl. tax)",
    )
    rating = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("4.00"),
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )
    click_and_collect = models.BooleanField(default=False)
    data_access_days = models.PositiveIntegerField(
        default=30, help_text="Days after completion the dealer still sees the customer's data"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["company__name"]

    def __str__(self) -> str:
        return self.company.name

    @property
    def name(self) -> str:
        return self.company.name


class DealerCategoryCommission(models.Model):
    dealer = models.ForeignKey(
        DealerProfile, on_delete=models.CASCADE, related_name="category_commissions"
    )
    category = models.ForeignKey("catalogue.Category", on_delete=models.CASCADE, related_name="+")
    rate = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "category"], name="dealer_category_rate")
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id}: {self.category_id} at {self.rate}%"


class DealerStock(models.Model):
    """A dealer's units of a product; ``num_allocated`` are held for offered orders."""

    dealer = models.ForeignKey(DealerProfile, on_delete=models.CASCADE, related_name="stock")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    num_in_stock = models.PositiveIntegerField(default=0)
    num_allocated = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "product"], name="dealer_stock_product")
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id}/{self.product_id}: {self.num_in_stock}"

    @property
    def free(self) -> int:
        return max(self.num_in_stock - self.num_allocated, 0)


class DealerAssortment(models.Model):
    """Staff setting: this category (and below) or this product is sold through dealers."""

    category = models.ForeignKey(
        "catalogue.Category", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__isnull=False) | models.Q(product__isnull=False),
                name="dealer_assortment_target",
            )
        ]

    def __str__(self) -> str:
        return f"category {self.category_id}" if self.category_id else f"product {self.product_id}"


class RoutingChain(models.Model):
    """The ordered routing steps, for one category or (category empty) the default."""

    category = models.OneToOneField(
        "catalogue.Category", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    steps = models.JSONField(default=list)

    def __str__(self) -> str:
        return " → ".join(self.steps)


class DealerRouting(models.Model):
    """The routing of one order: the decision and its reasons, and the fulfilment state."""

    class By(models.TextChoices):
        DEALER = "dealer", "Dealer"
        DIRECT = "direct", "Direct"

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        DIRECT = "direct", "Direct"
        CANCELLED = "cancelled", "Cancelled"

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="dealer_routing"
    )
    by = models.CharField(max_length=8, choices=By.choices)
    dealer = models.ForeignKey(
        DealerProfile, on_delete=models.PROTECT, null=True, blank=True, related_name="routings"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    why = models.TextField(blank=True)
    # [{"dealer", "name", "rank", "chosen", "lost_at", "reason"}, ...] of the last decision
    candidates = models.JSONField(default=list)
    declined = models.JSONField(default=list, help_text="Dealers that rejected or let it lapse")
    postcode = models.CharField(max_length=64, blank=True)
    country = models.CharField(max_length=2, blank=True)
    carrier = models.CharField(max_length=64, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [models.Index(fields=["dealer", "status"])]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.by} {self.dealer_id or ''} {self.status}"


class DealerOffer(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        LAPSED = "lapsed", "Lapsed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="dealer_offers")
    dealer = models.ForeignKey(DealerProfile, on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    offered_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["offered_at", "pk"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["dealer", "offered_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status="offered"),
                name="dealer_offer_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} -> {self.dealer_id} ({self.status})"


class DealerLedgerEntry(models.Model):
    """Append-only: commissions earned, their reversals, partner bonuses
    (``commerce.leads.bonuses``) and payouts. Balance = sum."""

    class Kind(models.TextChoices):
        COMMISSION = "commission", "Commission"
        REVERSAL = "reversal", "Reversal"
        PAYOUT = "payout", "Payout"
        BONUS = "bonus", "Partner bonus"

    dealer = models.ForeignKey(DealerProfile, on_delete=models.PROTECT, related_name="ledger")
    order = models.ForeignKey(
        "order.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    memo = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=models.Q(kind__in=["commission", "reversal"]),
                name="dealer_ledger_once_per_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.kind} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Dealer ledger entries are append-only.")
        super().save(*args, **kwargs)
