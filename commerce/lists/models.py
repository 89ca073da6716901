from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShoppingList(models.Model):
    """A named list of products and quantities a member keeps for reordering.

    Personal lists are seen by their owner only; shared lists by every member
    of the company. A list can prepare a basket, or place an order on account,
    on a schedule (replenishment).
    """

    class Every(models.TextChoices):
        DAYS = "days", _("days")
        WEEKS = "weeks", _("weeks")

    class Replenish(models.TextChoices):
        BASKET = "basket", _("Prepare a basket")
        ORDER = "order", _("Place an order on account")

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="shopping_lists"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shopping_lists"
    )
    name = models.CharField(_("Name"), max_length=120)
    shared = models.BooleanField(_("Shared with the company"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # Scheduled replenishment: every ``replenish_every`` ``replenish_unit``.
    replenish_every = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    replenish_unit = models.CharField(
        max_length=5, choices=Every.choices, default=Every.WEEKS, blank=True
    )
    next_replenish_at = models.DateTimeField(null=True, blank=True)
    replenish_by = models.CharField(
        _("On each run"), max_length=6, choices=Replenish.choices, default=Replenish.BASKET
    )

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["company", "owner"])]

    def __str__(self) -> str:
        return self.name


class ShoppingListLine(models.Model):
    shopping_list = models.ForeignKey(ShoppingList, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="shopping_list_lines"
    )
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    note = models.CharField(_("Note"), max_length=255, blank=True)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shopping_list", "product"], name="lists_one_line_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="lists_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"
