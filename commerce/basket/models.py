from django.db import models
from django.db.models import Prefetch
from oscar.apps.basket.abstract_models import AbstractBasket
from oscar.core.loading import get_model


class Basket(AbstractBasket):
    """A basket belongs to one site and, on the portal, to one company.

    A person keeps a personal basket on the storefront and one basket per
    company on the portal; the basket middleware only ever loads the one that
    matches the request's site and active company, so they never mix.
    """

    site = models.ForeignKey(
        "sites.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="baskets",
    )

    def all_lines(self):
        """Oscar's cached lines, with what pricing needs loaded for all lines at
        once: a basket of 50 lines costs the same queries as one of 1."""
        if self.id is None:
            return super().all_lines()
        if self._lines is None:
            StockRecord = get_model("partner", "StockRecord")
            self._lines = (
                self.lines.select_related(
                    "product", "product__product_class", "product__parent", "stockrecord"
                )
                .prefetch_related(
                    "attributes",
                    "product__images",
                    Prefetch("product__stockrecords", queryset=StockRecord.objects.order_by("pk")),
                )
                .order_by(self._meta.pk.name)
            )
            strategy = getattr(self, "_strategy", None)
            if hasattr(strategy, "prefetch"):
                strategy.prefetch([line.product for line in self._lines])
        return self._lines

    def is_quantity_allowed(self, qty, line=None):
        """Can ``line`` change by ``qty``?

        Oscar asks the availability policy about the change (a delta) and then
        about the product's new total; quantity rules (minimum, case pack,
        maximum) are only meaningful for the total, so ask about that alone.
        """
        if line is None:
            return super().is_quantity_allowed(qty)
        total = self.basket_quantity(line) + qty
        permitted, reason = line.purchase_info.availability.is_purchase_permitted(total)
        if not permitted:
            return False, reason
        return super().is_quantity_allowed(qty)


from oscar.apps.basket.models import *  # noqa: E402, F403
