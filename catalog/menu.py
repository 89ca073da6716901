"""The category menu (names, URLs, depth, product counts), cached.

Every page shows it; building it from the tree costs two queries and some
Python per request, so the tree is kept in the cache under a version that
category saves and deletes bump. Counts depend on who is looking (catalog
visibility): they are cached per *audience* (``visibility.audience_key``: all
consumers share one, and so do all companies that no restriction names) and
per block of product ids (``catalog.blocks``: a product edit retires its block
only, and the stale blocks are counted in one statement), so a warm menu costs
no query at all.

A category that only restricted products fill, and that holds none the
viewer may see, is left out of the menu rather than shown empty.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from catalog import blocks, visibility
from commerce.core.cache import cache, cache_version, cache_version_bump, register_read_ahead

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


def _counts_name(max_depth: int, *, site, company) -> str:
    """What the counts are of (``blocks.counted`` adds the epoch and the block)."""
    audience = visibility.audience_key(site=site, company=company, versioned=False)
    return f"menu:{_version()}:{_count_depth(max_depth)}:{audience}"


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


def _counts_statement(visible_sql: str, depth: int, scoped: str) -> str:
    # One grouped count per level over the (product, category path) links of the
    # visible products; a product filed in two categories of one subtree counts
    # once for the subtree (DISTINCT per prefix), in a hash, no sort of the links.
    # A product lives in one block, so the blocks' counts add up.
    block = blocks.block_of("product_id")
    levels = " UNION ALL ".join(
        f"SELECT DISTINCT {block} AS block, SUBSTR(path, 1, {Category.steplen * n}) AS prefix,"  # noqa: S608 - integers
        f" product_id FROM links WHERE LENGTH(path) >= {Category.steplen * n}"
        for n in range(1, depth + 1)
    )
    return (
        f"WITH links(product_id, path) AS ("  # noqa: S608 - table names from the models
        f"SELECT pc.product_id, c.path FROM {ProductCategory._meta.db_table} pc"
        f" JOIN {Category._meta.db_table} c ON c.id = pc.category_id"
        f" WHERE pc.product_id IN ({visible_sql}){scoped})"
        f" SELECT block, prefix, COUNT(*) FROM ({levels}) AS members GROUP BY block, prefix"
    )


def _count_blocks(depth: int, stale: list[int], every: bool, *, site, company) -> dict:
    """{block: {category path: visible products}} for the ``stale`` blocks (one
    query; ``every``: all blocks, no id range)."""
    visible = visibility.visible_products(Product.objects.browsable(), site=site, company=company)
    scoped, scope_params = "", []
    if not every:
        visible = visible.filter(blocks.in_blocks(stale))
        scoped, scope_params = blocks.in_blocks_sql("pc.product_id", stale)
    try:
        visible_sql, params = visible.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # nothing visible
        return {}
    found: dict[int, dict[str, int]] = {}
    with connections[visible.db].cursor() as cursor:
        cursor.execute(_counts_statement(visible_sql, depth, scoped), [*params, *scope_params])
        for block, prefix, n in cursor.fetchall():
            found.setdefault(block, {})[prefix] = n
    return found


def _counts(max_depth: int, *, site, company) -> dict[str, int]:
    """Visible products per category path (the category and everything below it),
    down to ``_count_depth(max_depth)`` levels: the blocks' counts added up, the
    stale blocks counted in one query, in the database."""
    depth = _count_depth(max_depth)
    return blocks.summed(
        _counts_name(max_depth, site=site, company=company),
        lambda stale, every: _count_blocks(depth, stale, every, site=site, company=company),
        {},
        _add,
        read_with=[_tree_key(max_depth)],
    )


def _add(counted: list[dict[str, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for block_counts in counted:
        for prefix, n in block_counts.items():
            counts[prefix] = counts.get(prefix, 0) + n
    return counts


def menu(max_depth: int = 2, *, site, company) -> list[dict]:
    """[{name, url, depth, pk, count}] for browsable, menu-visible categories, in tree
    order, with the number of products ``company`` may see on ``site`` in each."""
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
    blocks.bump_epoch()
