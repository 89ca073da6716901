"""A paginator whose total count is cached until the catalogue changes.

Counting the browsable products of a 50,000-product catalogue is the most
expensive query of a listing page, and its answer changes only when products
or their categories do. The count is cached per query under a catalogue
version that product and product-category saves and deletes bump.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models.signals import post_delete, post_save
from django.utils.functional import cached_property
from oscar.core.loading import get_model

from catalog import blocks
from commerce.core.cache import cache, cache_version, cache_version_bump, register_read_ahead

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")

VERSION_KEY = "catalog:version"
TIMEOUT = 10 * 60


def catalog_version() -> str:
    return cache_version(VERSION_KEY)


register_read_ahead(lambda request: [VERSION_KEY])


def bump_catalog_version(**kwargs) -> None:
    """Forget cached counts (call after bulk changes that bypass model signals),
    the listing counts of every block included."""
    cache_version_bump(VERSION_KEY)
    blocks.bump_epoch()


def _product_changed(**kwargs) -> None:
    # The listing counts of the product's block are retired by ``catalog.versions``.
    cache_version_bump(VERSION_KEY)


for _model in (Product, ProductCategory):
    post_save.connect(
        _product_changed, sender=_model, dispatch_uid=f"catalog-version-save-{_model}"
    )
    post_delete.connect(
        _product_changed, sender=_model, dispatch_uid=f"catalog-version-delete-{_model}"
    )


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        try:
            sql, params = self.object_list.query.sql_with_params()
        except EmptyResultSet:  # e.g. ``.none()``: nothing to count
            return 0
        digest = hashlib.sha1(  # noqa: S324 - a cache key, not a security boundary
            f"{sql}|{params}".encode()
        ).hexdigest()
        key = f"catalog:count:{catalog_version()}:{digest}"
        count = cache.get(key)
        if count is None:
            count = self.object_list.count()
            cache.set(key, count, TIMEOUT)
        return count
