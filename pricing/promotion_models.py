"""Promotions: automatic offers and voucher codes, priced by the engine.

A promotion is scoped by site, company, account tier (a tier price list) and
consumer segment (a loyalty tier), applies inside its validity window to the
products it names (or to every product when it names none), and takes a
percentage or a net amount off each unit. How it combines with contract, tier
and loyalty prices is written once, in ``pricing.promotions``.

Usage limits are counted from ``PromotionRedemption`` rows, written by order
placement under a lock on the promotion row (``commerce.core.locks``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class Promotion(models.Model):
    class Site(models.TextChoices):
        ALL = "all", _("Both sites")
        STOREFRONT = "storefront", _("Storefront")
        PORTAL = "portal", _("Portal")

    name = models.CharField(max_length=120)
    code = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("A voucher code the buyer enters; empty for an automatic offer."),
    )
    site = models.CharField(max_length=12, choices=Site.choices, default=Site.ALL)
    company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="promotions",
        help_text=_(
            "Only this company (portal). A promotion that names the company may "
            "undercut its contract prices."
        ),
    )
    account_tier = models.ForeignKey(
        "partner.PriceList",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="promotions",
        limit_choices_to={"kind": "tier"},
        help_text=_("Only companies on this account tier (portal)."),
    )
    loyalty_tier = models.ForeignKey(
        "accounts.LoyaltyTier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="promotions",
        help_text=_("Only consumers in this loyalty tier (storefront segment)."),
    )
    products = models.ManyToManyField(
        "catalogue.Product",
        blank=True,
        related_name="promotions",
        help_text=_("The products it applies to; none means every product."),
    )
    percent_off = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    amount_off = models.DecimalField(
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Net amount off each unit."),
    )
    stacks_with_loyalty = models.BooleanField(
        default=False,
        help_text=_(
            "Loyalty tier discounts also apply on top (otherwise they skip lines on promotion)."
        ),
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    max_uses = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Orders that may use it in all; empty: no limit.")
    )
    max_uses_per_customer = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Orders per person (storefront) or company (portal); empty: no limit."),
    )
    uses = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Orders that used it (kept with its redemptions).")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        app_label = "partner"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="promotion_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="promotion_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(percent_off__gte=0) & Q(percent_off__lte=100) & Q(amount_off__gte=0),
                name="promotion_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    @property
    def is_voucher(self) -> bool:
        return bool(self.code)


class PromotionRedemption(models.Model):
    """One order's use of a promotion (counted for usage limits)."""

    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="redemptions")
    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    company = models.ForeignKey(
        "accounts.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discount = models.DecimalField(**MONEY, help_text=_("Net discount on the order."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        app_label = "partner"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["promotion", "order"], name="one_redemption_per_order")
        ]

    def __str__(self) -> str:
        return f"{self.promotion} on {self.order_id}"
