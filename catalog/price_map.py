"""The price map of listings: every browsable product's one-unit display price
(and free units) for one price audience, built in the background.

A listing's price-range facet and its price sort need the viewer's price of
every product the audience may see: the pricing engine over the whole catalog
(``strategy.display_prices``), seconds at 100,000 products. That work never
runs on a request once the catalog is larger than ``inline_limit()`` products:

* The map of an audience is stored under a *slot* (the visibility audience
  without its version, and the price audience) with the *tag* it was built at
  (the visibility audience with its version, and the product, stock, price and
  promotion versions, read before pricing), by block of product ids
  (``catalog.blocks``), each block under the digest of its prices: a map
  rebuilt after one product's change shares every other block with the last,
  and a listing's price buckets, counted by block under the same digests
  (``catalog.facets.price_buckets``), read only the blocks they recount. A
  small pointer (tag, size and the blocks' digests) sits beside it, written
  after the blocks, so a request learns whether the map is current without
  loading it.
* A request whose tag matches uses the map (``fresh``). On any other tag (a
  version was bumped) it keeps using the previous map of its slot, marked
  stale, and enqueues a rebuild through the outbox (topic ``TOPIC``, handled in
  ``pricing.price_map_builds``): one message per slot and tag, deduplicated in
  the cache (``cache.add``) and by the outbox key, so a hundred requests queue
  one build. The build may take as long as it needs and chunk freely.
* With no previous map, the listing renders without the price-range facet
  (``None``), and a price filter or sort falls back to live prices of the first
  ``live_limit()`` results (bounded work, the page is not cached).
* A catalog of at most ``inline_limit()`` visible products is priced inline (one
  chunk: a fixed number of queries, tens of milliseconds), which keeps small
  shops exact at once.

What a stale map may affect: only the price-range facet buckets and their
counts on listing pages (and, until the rebuild lands, the order of a price
sort across pages; each page is re-sorted by its live prices). It never
decides a price shown: every card is priced live (``attach_purchase_info``),
the basket and checkout price live through the strategy and never read this
map. A price filter stays exact for the products shown: a page filtered by
price with a map that is not fresh drops every product whose live price is
outside the range. Availability (filter and counts) is read from the stock
records in SQL, not from the map. A listing rendered with a map that is not
fresh is not stored in the listing or page caches.

With Redis down nothing is stored or queued (``cache.add`` reports False): the
listing renders without the price facet, as on a miss.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import DatabaseError, transaction
from oscar.core.loading import get_model

from catalog import blocks, visibility
from catalog.versions import catalog_versions
from commerce.core.cache import cache
from commerce.outbox.services import outbox_emit

logger = logging.getLogger(__name__)

Product = get_model("catalogue", "Product")

TOPIC = "catalog.price_map"
PRICE_KINDS = ("product", "stock", "price", "promotion")
# The map outlives its tag: it is the "previous map" while the next one builds.
TIMEOUT = 7 * 24 * 60 * 60
QUEUE_TIMEOUT = 10 * 60  # a lost build is queued again after this long


def inline_limit() -> int:
    """Catalogs up to this many visible products are priced on the request."""
    return getattr(settings, "CATALOG_PRICES_INLINE_LIMIT", 500)


def live_limit() -> int:
    """Results priced live for a price filter or sort while no map exists."""
    return getattr(settings, "CATALOG_PRICES_LIVE_LIMIT", 500)


Prices = dict[int, tuple[Decimal | None, int]]


@dataclass
class PriceMap:
    """A stored map: ``tag`` it was built at, ``fresh`` when that is the current tag;
    ``blocks``: the digest of each block's prices (``catalog.blocks``), as the
    pointer names them (a block without visible products has none)."""

    slot: str
    tag: str
    fresh: bool
    blocks: dict[int, str] = field(default_factory=dict, repr=False)
    _parts: dict[int, Prices] = field(default_factory=dict, repr=False)  # blocks loaded
    _prices: Prices | None = field(default=None, repr=False)
    complete: bool = True  # False once a block of it was found evicted

    @property
    def prices(self) -> Prices:
        """product id -> (display price or None, free units); loaded on first use."""
        if self._prices is None:
            self._prices = self.block_prices(self.blocks)
        return self._prices

    def block_prices(self, wanted: Iterable[int]) -> Prices:
        """The prices of the products in the blocks ``wanted``, each block read once
        (those not read yet in one cache round trip)."""
        wanted = [block for block in wanted if block in self.blocks]
        missing = {
            _block_map_key(self.slot, block, self.blocks[block]): block
            for block in wanted
            if block not in self._parts
        }
        if missing:
            found = cache.get_many(list(missing))
            if len(found) < len(missing):  # evicted before its pointer: queued again next time
                cache.delete_many([self.slot, _queued_key(self.slot, self.tag)])
                self.fresh = False
                self.complete = False
            self._parts.update({missing[key]: part for key, part in found.items()})
        prices: Prices = {}
        for block in wanted:
            prices.update(self._parts.get(block, {}))
        return prices

    def block_digest(self, block: int) -> str:
        return self.blocks.get(block, "-")


def _digest(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:20]  # noqa: S324 - a cache key


def slot(strategy, *, site, company) -> str:
    audience = visibility.audience_key(site=site, company=company)
    unversioned = audience.rsplit(":", 1)[0]
    return f"catalog:price-map:{unversioned}:{strategy.price_audience()}"


def current_tag(*, site, company) -> str:
    audience = visibility.audience_key(site=site, company=company)
    return f"{audience}|{catalog_versions(PRICE_KINDS)}"


def _block_map_key(slot_key: str, block: int, digest: str) -> str:
    """Where a block of a slot's map is stored: named by its content, so a map
    rebuilt after one product's change shares every other block with the last."""
    return f"{slot_key}:block:{block}:{digest}"


def map_keys(slot_key: str) -> list[str]:
    """The keys of the blocks of the map ``slot_key`` points at now."""
    pointer = _pointer(slot_key)
    if pointer is None:
        return []
    return [_block_map_key(slot_key, block, digest) for block, digest in pointer[2].items()]


def _pointer(slot_key: str):
    found = cache.get(slot_key)
    # (tag, size, {block: digest}); anything else (an older layout) is no map.
    return found if isinstance(found, tuple) and len(found) == 3 else None


def _block_digest(prices: Prices) -> str:
    listed = repr(sorted(prices.items())).encode()
    return hashlib.sha1(listed).hexdigest()[:16]  # noqa: S324 - a cache key


def _visible_ids(*, site, company, limit: int | None = None) -> list[int]:
    ids = visibility.visible_products(
        Product.objects.browsable(), site=site, company=company
    ).values_list("pk", flat=True)
    if limit is not None:
        ids = ids.order_by("pk")[:limit]
    return list(ids)


def _store(slot_key: str, tag: str, prices: Prices) -> PriceMap:
    """Store ``prices`` as the slot's map at ``tag``: the blocks first, then the
    pointer to them (a reader never follows a pointer to a block that was not
    written; an evicted one reads as missing)."""
    parts: dict[int, Prices] = {}
    for pk, value in prices.items():
        parts.setdefault(pk // blocks.BLOCK, {})[pk] = value
    digests = {block: _block_digest(part) for block, part in parts.items()}
    cache.set_many(
        {_block_map_key(slot_key, b, digests[b]): part for b, part in parts.items()}, TIMEOUT
    )
    cache.set(slot_key, (tag, len(prices), digests), TIMEOUT)
    return PriceMap(slot_key, tag, fresh=True, blocks=digests, _parts=parts, _prices=prices)


def lookup(strategy, *, site, company) -> PriceMap | None:
    """The map this audience's listings use now: fresh, stale (a rebuild queued),
    or None (none built yet; a rebuild queued). Never prices more than
    ``inline_limit()`` products."""
    slot_key = slot(strategy, site=site, company=company)
    tag = current_tag(site=site, company=company)
    pointer = _pointer(slot_key)
    if pointer is not None and pointer[0] == tag:
        return PriceMap(slot_key, tag, fresh=True, blocks=pointer[2])
    limit = inline_limit()
    if pointer is None or pointer[1] <= limit:
        ids = _visible_ids(site=site, company=company, limit=limit + 1)
        if len(ids) <= limit:
            return _store(slot_key, tag, strategy.display_prices(ids))
    request_rebuild(strategy, site=site, company=company, slot_key=slot_key, tag=tag)
    if pointer is None:
        return None
    return PriceMap(slot_key, pointer[0], fresh=False, blocks=pointer[2])


def _queued_key(slot_key: str, tag: str) -> str:
    return f"catalog:price-map-queued:{_digest(slot_key, tag)}"


def request_rebuild(strategy, *, site, company, slot_key: str, tag: str) -> bool:
    """Queue one build of ``slot_key`` at ``tag`` (True if this call queued it): one
    per slot and tag in the cache; one per slot, tag and ``QUEUE_TIMEOUT`` window
    in the outbox (a build lost with the cache is queued again in the next)."""
    digest = _digest(slot_key, tag)
    if not cache.add(_queued_key(slot_key, tag), 1, QUEUE_TIMEOUT):
        return False  # queued already, or Redis is down (nowhere to store the map)
    buyer = getattr(strategy, "buyer", None)
    payload = {
        "channel": site.channel,
        "user": buyer.pk if buyer is not None and buyer.is_authenticated else None,
        "company": company.pk if company is not None else None,
        "slot": slot_key,
        "tag": tag,
    }
    try:
        with transaction.atomic():
            window = int(time.time() // QUEUE_TIMEOUT)
            key = f"price-map:{digest}:{window}"
            outbox_emit(topic=TOPIC, payload=payload, key=key, deferred=True)
    except DatabaseError:
        logger.warning("Could not queue the price map build of %s", slot_key, exc_info=True)
        return False
    return True


def build(strategy, *, site, company) -> PriceMap:
    """Price every product the audience may see and store the map (background)."""
    slot_key = slot(strategy, site=site, company=company)
    tag = current_tag(site=site, company=company)  # before pricing: a change meanwhile retires it
    return _store(slot_key, tag, strategy.display_prices(_visible_ids(site=site, company=company)))


def live_prices(strategy, queryset) -> Prices:
    """Bounded fallback while no map exists: live prices of the first
    ``live_limit()`` results of ``queryset`` (one chunk of the engine)."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True)[: live_limit()])
    return strategy.display_prices(ids)
