"""Oscar's partner app (partners, stock records) plus price lists.

A ``PriceList`` is either an account **tier** list (Bronze, Silver, Gold:
assigned to companies) or one company's **contract** list. Its entries hold
net unit prices; several entries for one product at different minimum
quantities are volume breaks. Lists and entries may have validity windows.
The list price itself stays on Oscar's ``StockRecord``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner, AbstractStockRecord

from commerce.core.money import ZERO


class PriceList(models.Model):
    class Kind(models.TextChoices):
        TIER = "tier", _("Account tier")
        CONTRACT = "contract", _("Company contract")

    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contract_price_lists",
        help_text=_("The company a contract list belongs to."),
    )
    currency = models.CharField(max_length=3, default=settings.OSCAR_DEFAULT_CURRENCY)
    is_active = models.BooleanField(default=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "partner"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="contract") & Q(company__isnull=False))
                | (Q(kind="tier") & Q(company__isnull=True)),
                name="pricelist_contract_has_company",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="pricelist_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_at(self, at) -> bool:
        return (
            self.is_active
            and (self.valid_from is None or self.valid_from <= at)
            and (self.valid_until is None or at < self.valid_until)
        )


class PriceListEntry(models.Model):
    """A net unit price for a product from a minimum quantity (a volume break)."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="price_list_entries"
    )
    min_quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "partner"
        ordering = ["price_list", "product", "min_quantity"]
        verbose_name_plural = _("price list entries")
        indexes = [models.Index(fields=["product", "price_list"], name="pricelistentry_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product", "min_quantity"],
                condition=Q(valid_from__isnull=True),
                name="pricelistentry_one_open_break",
            ),
            models.UniqueConstraint(
                fields=["price_list", "product", "min_quantity", "valid_from"],
                name="pricelistentry_one_break_per_start",
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=1) & Q(unit_price__gte=0),
                name="pricelistentry_positive",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="pricelistentry_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list}: {self.product_id} {self.min_quantity}+ @ {self.unit_price}"


class Partner(AbstractPartner):
    """Oscar's partner (a warehouse), and how long it takes to get goods it is out of."""

    lead_time_days = models.PositiveSmallIntegerField(
        _("Lead time (working days)"),
        null=True,
        blank=True,
        help_text=_("Working days from an order to dispatch when the product is out of stock."),
    )


class StockRecord(AbstractStockRecord):
    back_in_stock = models.DateField(
        _("Back in stock on"),
        null=True,
        blank=True,
        help_text=_("When this product is expected again, if known."),
    )


from oscar.apps.partner.models import *  # noqa: E402, F403

from pricing.promotion_models import Promotion, PromotionRedemption  # noqa: E402, F401
