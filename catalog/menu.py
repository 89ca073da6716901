"""The category menu (names, URLs, depth), cached until a category changes.

Every page shows it; building it from the tree costs two queries and some
Python per request, so it is kept in the cache under a version that category
saves and deletes bump.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
VERSION_KEY = "catalog:menu-version"
TIMEOUT = 60 * 60


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def menu(max_depth: int = 2) -> list[dict]:
    """[{name, url, depth, pk}] for browsable, menu-visible categories, in tree order."""
    key = f"catalog:menu:{_version()}:{max_depth}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    nodes = [
        {"pk": c.pk, "name": c.name, "url": c.get_absolute_url(), "depth": c.depth}
        for c in Category.objects.filter(depth__lte=max_depth).for_menu().order_by("path")
    ]
    cache.set(key, nodes, TIMEOUT)
    return nodes


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
def _category_changed(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)
