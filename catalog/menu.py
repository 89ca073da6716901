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

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
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
COUNT_DEPTH = 2  # the deepest menu a page shows


def _version() -> str:
    return cache_version(VERSION_KEY)


register_read_ahead(lambda request: [VERSION_KEY])


def _tree_key(max_depth: int) -> str:
    return f"catalog:menu:{_version()}:{max_depth}"


def _count_depth(max_depth: int) -> int:
    """The depth counted for a menu of ``max_depth`` levels: at least ``COUNT_DEPTH``,
    so the one-level and two-level menus of a page share one set of counts."""
    return max(max_depth, COUNT_DEPTH)


def _counts_key(max_depth: int, *, site, company) -> str:
    return (
        f"catalog:menu-counts:{_version()}:{catalog_version()}:{_count_depth(max_depth)}:"
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


def _counts_statement(visible_sql: str, depth: int) -> str:
    # One grouped count per level over the (product, category path) links of the
    # visible products; a product filed in two categories of one subtree counts
    # once for the subtree (DISTINCT per prefix), in a hash, no sort of the links.
    levels = " UNION ALL ".join(
        f"SELECT DISTINCT SUBSTR(path, 1, {Category.steplen * n}) AS prefix, product_id"  # noqa: S608 - integers
        f" FROM links WHERE LENGTH(path) >= {Category.steplen * n}"
        for n in range(1, depth + 1)
    )
    return (
        f"WITH links(product_id, path) AS ("  # noqa: S608 - table names from the models
        f"SELECT pc.product_id, c.path FROM {ProductCategory._meta.db_table} pc"
        f" JOIN {Category._meta.db_table} c ON c.id = pc.category_id"
        f" WHERE pc.product_id IN ({visible_sql}))"
        f" SELECT prefix, COUNT(*) FROM ({levels}) AS members GROUP BY prefix"
    )


def _counts(max_depth: int, *, site, company) -> dict[str, int]:
    """Visible products per category path (the category and everything below it),
    down to ``_count_depth(max_depth)`` levels: one query, counted in the database."""
    key = _counts_key(max_depth, site=site, company=company)
    cached = cache.get(key)
    if cached is not None:
        return cached
    visible = visibility.visible_products(Product.objects.browsable(), site=site, company=company)
    try:
        visible_sql, params = visible.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # nothing visible
        counts = {}
    else:
        with connections[visible.db].cursor() as cursor:
            cursor.execute(_counts_statement(visible_sql, _count_depth(max_depth)), params)
            counts = dict(cursor.fetchall())
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
