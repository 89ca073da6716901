"""Listing counts kept by block of product ids, each block under its own version.

Facet counts (``catalog.facet_counts``) and menu counts (``catalog.menu``) are
sums over products, and a product counts in exactly one block: products are
partitioned by ``id // BLOCK``. Each block's counts are cached on their own,
under the block's version, so an edit of one product retires one block and the
next request recounts only that block (one statement for all the stale blocks
of a listing, grouped by block). Counts stay exact: every change bumps a
version before the next request reads, and nothing is served across a bump.

A block's key is (what is counted, the count epoch, BLOCK, the block, its
version). What bumps what:

    the product's block(s)   (``bump_products``: the product, and a variant's
                             parent) a Product save or delete, a ProductCategory,
                             ProductAttributeValue, ProductImage save or delete,
                             a StockRecord created, deleted or saved with a change
                             of the stock shown (``versions.stock_shown``), a
                             product's own audience (``visible_to_companies`` /
                             ``visible_to_tiers``) or options and recommendations
                             changed from the product's side
    the product id span      a product created (``product_created``): the blocks
                             run from the lowest product id's to the highest's
    the epoch (everything)   ``versions.bump_catalog_version`` of a counted kind
                             (imports and other bulk writes, product classes,
                             categories, drops, partners), ``pagination.
                             bump_catalog_version``, ``visibility.bump_version``
                             (category restrictions, assortments), the menu's
                             category receiver, a product audience cleared from
                             the company's or tier's side; and the drops' version

Only the receivers above, which know the products they touch, bump blocks
instead of the epoch; any other path to those bump functions retires every
count, so a change nobody thought of costs a recount, never a stale count.
Block and span bumps are repeated when the transaction commits (a recount
taken meanwhile from the rows before the commit is retired too).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.db.models import Max, Min, Q
from oscar.core.loading import get_model

from commerce.core.cache import (
    cache,
    cache_version_bump,
    cache_version_bump_at_commit,
    cache_versions,
)
from commerce.members import drops

Product = get_model("catalogue", "Product")

BLOCK = 5_000  # products per block (by id)
EPOCH_KEY = "catalog:count-epoch"
CREATED_KEY = "catalog:count-created"
SPAN_KEY = "catalog:count-span"
TIMEOUT = 60 * 60


def _epoch_keys() -> list[str]:
    return [EPOCH_KEY, drops.VERSION_KEY]


def epoch() -> str:
    """The version of everything that can alter many blocks' counts at once."""
    return ".".join(cache_versions(_epoch_keys()))


def bump_epoch() -> None:
    """Retire every block's counts (a change not known to touch given products)."""
    cache_version_bump(EPOCH_KEY)


def _block_key(block: int) -> str:
    return f"catalog:count-block:{BLOCK}:{block}"


def bump_products(product_ids: Iterable[int | None]) -> None:
    """Retire the counts of the blocks holding ``product_ids``."""
    for block in sorted({pk // BLOCK for pk in product_ids if pk is not None}):
        cache_version_bump_at_commit(_block_key(block))


def product_created() -> None:
    """A product was created: the highest product id may have grown."""
    cache_version_bump_at_commit(CREATED_KEY)


def span() -> tuple[int, int] | None:
    """The lowest and highest product id (None without products), cached until a
    product is created or the epoch changes (stamped with both, in one key read
    with the versions: one round trip, kept for the request by ``shared_reads``,
    so ``epoch()`` and the span answer from it)."""
    created = cache_versions([CREATED_KEY], read_with=[*_epoch_keys(), SPAN_KEY])[0]
    stamp = (epoch(), created)
    found = cache.get(SPAN_KEY)
    if found is not None and found[0] == stamp:
        return found[1]
    ids = Product.objects.aggregate(low=Min("id"), high=Max("id"))
    value = None if ids["high"] is None else (ids["low"], ids["high"])
    cache.set(SPAN_KEY, (stamp, value), TIMEOUT)
    return value


def _blocks_of(found) -> list[int]:
    return list(range(found[0] // BLOCK, found[1] // BLOCK + 1)) if found else []


def all_blocks() -> list[int]:
    """The blocks from the lowest product id's to the highest's."""
    return _blocks_of(span())


# Nothing here is read ahead by every request: a page served from the cache
# never takes a count. A page that counts reads the span with its stamp in one
# round trip (``span``) and every block's version in another (``_versions``),
# both kept for the request and shared by the menu and the facets.


def ranges(blocks: list[int]) -> list[tuple[int, int]]:
    """The id ranges [low, high) of ``blocks`` (sorted), consecutive blocks merged."""
    found: list[list[int]] = []
    for block in blocks:
        if found and found[-1][1] == block:
            found[-1][1] = block + 1
        else:
            found.append([block, block + 1])
    return [(low * BLOCK, high * BLOCK) for low, high in found]


def in_blocks(blocks: list[int], field: str = "pk") -> Q:
    """A filter on ``field`` (a product id) keeping ``blocks``."""
    kept = Q()
    for low, high in ranges(blocks):
        kept |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return kept


def in_blocks_sql(column: str, blocks: list[int]) -> tuple[str, list[int]]:
    """SQL (`` AND (...)``) and its parameters keeping rows whose product id in
    ``column`` is in ``blocks``."""
    found = ranges(blocks)
    terms = " OR ".join([f"({column} >= %s AND {column} < %s)"] * len(found))
    return f" AND ({terms})", [bound for pair in found for bound in pair]


def block_of(column: str) -> str:
    """SQL: the block of the product id in ``column`` (integer division in
    PostgreSQL and SQLite alike)."""
    return f"{column} / {int(BLOCK)}"


def counted(
    name: str,
    count: Callable[[list[int], bool], dict[int, object]],
    empty,
    *,
    read_with: Iterable[str] = (),
    parts: Callable[[int], str] | None = None,
) -> list[object]:
    """The counts of every block for ``name`` (what is counted: a digest of the
    results, an audience), read in one round trip; ``count(stale, every)``
    counts the stale blocks in one statement (``every``: all blocks are stale,
    no id range needed) and answers {block: counts}, a block missing from it
    holding ``empty``. ``read_with``: other keys the caller reads next, read in
    the same round trip (kept for the request, see ``shared_reads``).
    ``parts(block)``: what else a block's counts depend on, part of its key
    (the digest of the prices of its products, for price buckets)."""
    blocks = all_blocks()
    if not blocks:
        return []
    prefix = f"catalog:block-counts:{name}:{epoch()}:{BLOCK}"
    versions = _versions(blocks, parts)
    keys = {
        block: f"{prefix}:{block}:{version}"
        for block, version in zip(blocks, versions, strict=True)
    }
    found = cache.get_many([*keys.values(), *read_with])
    stale = [block for block in blocks if keys[block] not in found]
    if stale:
        fresh = count(stale, len(stale) == len(blocks))
        values = {keys[block]: fresh.get(block, empty) for block in stale}
        cache.set_many(values, TIMEOUT)
        found = {**found, **values}
    return [found[keys[block]] for block in blocks]


def _versions(blocks: list[int], parts: Callable[[int], str] | None) -> list[str]:
    versions = cache_versions([_block_key(block) for block in blocks])
    if parts is None:
        return versions
    return [f"{version}:{parts(block)}" for block, version in zip(blocks, versions, strict=True)]


def summed(
    name: str,
    count: Callable[[list[int], bool], dict[int, object]],
    empty,
    add: Callable[[list[object]], object],
    *,
    read_with: Iterable[str] = (),
    parts: Callable[[int], str] | None = None,
):
    """``add`` of the counts of every block (``counted``), itself cached under the
    versions (and ``parts``) of all the blocks: a warm read is one key, with no
    sum to take."""
    blocks = all_blocks()
    if not blocks:
        return add([])
    versions = _versions(blocks, parts)
    digest = hashlib.sha1(  # noqa: S324 - a cache key, not a security boundary
        f"{blocks[0]}:{'.'.join(versions)}".encode()
    ).hexdigest()
    key = f"catalog:block-sum:{name}:{epoch()}:{BLOCK}:{digest}"
    found = cache.get_many([key, *read_with])
    if key in found:
        return found[key]
    total = add(counted(name, count, empty, read_with=read_with, parts=parts))
    cache.set(key, total, TIMEOUT)
    return total
