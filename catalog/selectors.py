"""Read-only catalog queries, shaped so a page of products costs a fixed number of queries.

Every query that lists products for a buyer takes the visibility context
(``site``, ``company``; see ``catalog.visibility``) and applies it in SQL.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from oscar.core.loading import get_model

from catalog import search
from catalog.visibility import hidden_category_ids, visible_products

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

SORTS = {
    "featured": ("-priority", "title", "pk"),
    "newest": ("-date_created", "pk"),
    "title": ("title", "pk"),
}
DEFAULT_SORT = "featured"


def for_listing(queryset: QuerySet) -> QuerySet:
    """What a product card needs, fetched with the page instead of per product."""
    return queryset.select_related("product_class").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
        Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk")),
    )


def browsable_products(*, site, company, sort: str = DEFAULT_SORT) -> QuerySet:
    """Public, top-level products that ``company`` may see on ``site``."""
    products = visible_products(Product.objects.browsable(), site=site, company=company)
    return for_listing(products).order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def products_in_category(category, *, site, company, sort: str = DEFAULT_SORT) -> QuerySet:
    """Visible products in ``category`` or any category below it."""
    in_subtree = ProductCategory.objects.filter(
        product=OuterRef("pk"), category__path__startswith=category.path
    )
    return browsable_products(site=site, company=company, sort=sort).filter(Exists(in_subtree))


def search_products(query: str, *, site, company, sort: str | None = None) -> QuerySet:
    """Visible products matching ``query`` (see ``catalog.search``): by relevance
    unless a sort is chosen."""
    products = browsable_products(site=site, company=company, sort=sort or DEFAULT_SORT)
    if not query.strip():
        return products.none()
    found = search.matching(products, query)
    return search.ranked(found) if sort is None else found


def top_level_categories(*, site, company) -> QuerySet:
    """Menu-visible root categories, less those restricted from ``company``."""
    roots = Category.objects.get_root_nodes().browsable().filter(exclude_from_menu=False)
    hidden = hidden_category_ids(site=site, company=company)
    return roots.exclude(pk__in=sorted(hidden)) if hidden else roots
