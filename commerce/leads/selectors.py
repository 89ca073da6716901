"""Read-only lead queries."""

from __future__ import annotations

from commerce.dealers.facts import dealer_products
from commerce.dealers.models import DealerAssortment


def lead_is_for_dealers(product=None, category=None) -> bool:
    """A lead is for a product or category sold through dealers (or, with
    neither, a general request)."""
    if product is not None and not dealer_products({product.pk}):
        return False
    if category is not None:
        paths = [p for p in DealerAssortment.objects.values_list("category__path", flat=True) if p]
        if not any(category.path.startswith(path) for path in paths):
            return False
    return True


def category_is_for_dealers(category) -> bool:
    return lead_is_for_dealers(category=category)
