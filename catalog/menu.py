"""The category menu (names, URLs, depth, product counts), cached.

Every page shows it; building it from the tree costs two queries and some
Python per request, so the tree is kept in the cache under a version that
category saves and deletes bump. Counts depend on who is looking (catalog
visibility): they are cached per *audience* (``visibility.audience_key``: all
consumers share one, and so do all companies that no restriction names) and
per catalog version, so a warm menu costs no query at all.

A category that only restricted products fill, and that holds none the
viewer may see, is left out of the menu rather than shown empty.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.cache import cache
from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from catalog import visibility
from catalog.pagination import catalog_version
from commerce.core.cache import cache_version, cache_version_bump, register_read_ahead

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
VERSION_KEY = "catalog:menu-version"
TIMEOUT = 60 * 60


def _version() -> str:
    return cache_version(VERSION_KEY)


register_read_ahead(lambda request: [VERSION_KEY])


def _tree_key(max_depth: int) -> str:
    return f"catalog:menu:{_version()}:{max_depth}"


def _counts_key(max_depth: int, *, site, company) -> str:
    return (
        f"catalog:menu-counts:{_version()}:{catalog_version()}:{max_depth}:"
        f"{visibility.audience_key(site=site, company=company)}"
    )


def _tree(max_depth: int) -> list[dict]:
    key = _tree_key(max_depth)
    cached = cache.get(key)
    if cached is not None:
        return cached
    nodes = [
        {
            "pk": c.pk,
            "name": c.name,
            "url": c.get_absolute_url(),
            "depth": c.depth,
            "path": c.path,
        }
        for c in Category.objects.filter(depth__lte=max_depth).for_menu().order_by("path")
    ]
    cache.set(key, nodes, TIMEOUT)
    return nodes


def _counts(max_depth: int, *, site, company) -> dict[str, int]:
    """Visible products per category path (the category and everything below it)."""
    key = _counts_key(max_depth, site=site, company=company)
    cached = cache.get(key)
    if cached is not None:
        return cached
    visible = visibility.visible_products(Product.objects.browsable(), site=site, company=company)
    # One pass over (product, category path) for visible products; a product filed
    # in two categories of one subtree counts once for the subtree.
    links = (
        ProductCategory.objects.filter(product_id__in=Subquery(visible.order_by().values("pk")))
        .order_by()
        .values_list("product_id", "category__path")
    )
    members: dict[str, set[int]] = defaultdict(set)
    for product_id, path in links.iterator(chunk_size=5000):
        for depth in range(1, min(max_depth, len(path) // Category.steplen) + 1):
            members[path[: Category.steplen * depth]].add(product_id)
    counts = {prefix: len(ids) for prefix, ids in members.items()}
    cache.set(key, counts, TIMEOUT)
    return counts


def menu(max_depth: int = 2, *, site, company) -> list[dict]:
    """[{name, url, depth, pk, count}] for browsable, menu-visible categories, in tree
    order, with the number of products ``company`` may see on ``site`` in each."""
    # Both entries in one round trip when warm (kept for the request, see shared_reads).
    cache.get_many([_tree_key(max_depth), _counts_key(max_depth, site=site, company=company)])
    counts = _counts(max_depth, site=site, company=company)
    restricted = visibility.rules().restricted_category_ids
    nodes = []
    for node in _tree(max_depth):
        count = counts.get(node["path"], 0)
        if count == 0 and node["pk"] in restricted:
            continue
        nodes.append({**node, "count": count})
    return nodes


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
def _category_changed(**kwargs) -> None:
    cache_version_bump(VERSION_KEY)
