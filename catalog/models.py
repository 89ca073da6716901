from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import (
    AbstractCategory,
    AbstractProduct,
    AbstractProductAttributeValue,
)


class Channels(models.TextChoices):
    """Where a product is sold (see ``catalog.visibility``)."""

    BOTH = "both", _("Storefront and portal")
    STOREFRONT = "storefront", _("Storefront only")
    PORTAL = "portal", _("Portal only")


class Category(AbstractCategory):
    """Oscar's category; naming companies or tiers restricts its whole subtree."""

    visible_to_companies = models.ManyToManyField(
        "accounts.Company",
        blank=True,
        related_name="restricted_categories",
        verbose_name=_("Only for companies"),
        help_text=_(
            "If any company or tier is chosen, products in this category and below are "
            "shown only to them."
        ),
    )
    visible_to_tiers = models.ManyToManyField(
        "partner.PriceList",
        blank=True,
        related_name="restricted_categories",
        limit_choices_to={"kind": "tier"},
        verbose_name=_("Only for tiers"),
    )

    class Meta(AbstractCategory.Meta):
        pass


class Product(AbstractProduct):
    """Oscar's product, plus where it is sold, who may see it and the quantity rules."""

    channels = models.CharField(
        _("Sold on"), max_length=10, choices=Channels.choices, default=Channels.BOTH
    )
    visible_to_companies = models.ManyToManyField(
        "accounts.Company",
        blank=True,
        related_name="restricted_products",
        verbose_name=_("Only for companies"),
        help_text=_("If any company or tier is chosen, only they see this product."),
    )
    visible_to_tiers = models.ManyToManyField(
        "partner.PriceList",
        blank=True,
        related_name="restricted_products",
        limit_choices_to={"kind": "tier"},
        verbose_name=_("Only for tiers"),
    )

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

    # The stored search document (kept current by ``catalog.search``): every
    # searchable word in lower case, the SKUs as " sku1 sku2 " for prefix
    # matching, and on PostgreSQL the weighted tsvector (GIN-indexed; the two
    # text columns carry trigram indexes, see migration 0037).
    search_text = models.TextField(editable=False, blank=True, default="")
    search_skus = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(editable=False, null=True)

    @property
    def sorted_recommended_products(self):
        """Oscar's recommendations; the product page narrows them to what the viewer
        may see (``recommendations_for``) before rendering."""
        narrowed = getattr(self, "_visible_recommendations", None)
        return narrowed if narrowed is not None else super().sorted_recommended_products

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
            # Every browsable product's id and channels: the visible catalog a facet
            # summary or the menu counts is read from the index alone (an index-only
            # scan), not from the wide product rows.
            models.Index(
                fields=["id"],
                include=["channels"],
                name="product_browsable_ids",
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


class Assortment(models.Model):
    """A named set of products and categories (with their subtrees) that only the
    chosen companies and tiers see."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    description = models.TextField(_("Description"), blank=True)
    products = models.ManyToManyField(
        "catalogue.Product", blank=True, related_name="assortments", verbose_name=_("Products")
    )
    categories = models.ManyToManyField(
        "catalogue.Category",
        blank=True,
        related_name="assortments",
        verbose_name=_("Categories"),
        help_text=_("Every product in these categories or below them."),
    )
    companies = models.ManyToManyField(
        "accounts.Company", blank=True, related_name="assortments", verbose_name=_("Companies")
    )
    tiers = models.ManyToManyField(
        "partner.PriceList",
        blank=True,
        related_name="assortments",
        limit_choices_to={"kind": "tier"},
        verbose_name=_("Tiers"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SearchTerm(models.Model):
    """A word of some product's search document: the vocabulary typos are
    corrected against (trigram-indexed on PostgreSQL)."""

    word = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.word


class ProductAttributeValue(AbstractProductAttributeValue):
    """Oscar's attribute value; rich text renders through the project's sanitiser."""

    @property
    def _richtext_as_html(self):
        from commerce.core.sanitize import safe_html

        return safe_html(self.value)


from oscar.apps.catalogue.models import *  # noqa: E402, F403
