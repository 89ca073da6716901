from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct


class Product(AbstractProduct):
    """Oscar's product, plus the quantity rules both sites enforce."""

    min_order_quantity = models.PositiveIntegerField(
        _("Minimum order quantity"), default=1, validators=[MinValueValidator(1)]
    )
    order_multiple = models.PositiveIntegerField(
        _("Order multiple (case pack)"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Quantities must be a multiple of this."),
    )
    max_order_quantity = models.PositiveIntegerField(
        _("Maximum order quantity"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    @property
    def quantity_rules(self) -> str:
        from catalog.quantity import describe_rules

        return describe_rules(self)

    class Meta(AbstractProduct.Meta):
        indexes = [
            # The default listing order ("featured"), over browsable products only.
            models.Index(
                fields=["-priority", "title", "id"],
                name="product_browse_featured",
                condition=Q(parent__isnull=True, is_public=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_order_quantity__gte=1) & Q(order_multiple__gte=1),
                name="product_quantity_rules_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_order_quantity__isnull=True)
                | Q(max_order_quantity__gte=models.F("min_order_quantity")),
                name="product_max_not_below_min",
            ),
        ]


from oscar.apps.catalogue.models import *  # noqa: E402, F403
