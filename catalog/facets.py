"""Listing filters and facets: category, price (the viewer's own), availability,
attribute values; and the price sort.

Filter state lives in the URL (``category``, ``price_min``/``price_max``,
``availability=in_stock|out_of_stock``, ``attr_<code>=<value>``, repeatable),
so a filtered page can be shared, cached and paged like any other.

Prices come from the audience's price map (``catalog.price_map``): the
pricing engine over every product the audience may see, built in the
background; a map that is not current only shifts the price-range buckets,
never a price shown, and a price filter re-checks the page's products at their
live prices (``ProductListView``). Availability (the filter and its counts) is
read from the stock records in SQL. Counts are taken over the current results,
so a facet value's count is the number of results its link shows. A page costs
a fixed number of queries: one statement for the total and every facet group in
SQL (``catalog.facet_counts``: the results evaluated once, each group counted in
the database), the result ids of the blocks to bucket by price, nothing per
product.

Those counts grow with the results (a scan of every match), so they are kept
as a ``summary`` of the result set: cached under the results' SQL (without
ordering or paging), the viewer's price audience, the categories hidden from
them, the language, the catalog versions and the tag of the price map used.
Another page, another sort or any other URL of the same results reuses it and
costs none of those queries; any catalog change retires it with the listings.
The counts inside it are also kept on their own, by block of product ids
(``catalog.blocks``), the price buckets too, each block under the digest of its
prices in the map (``price_buckets``): after one product's edit only its block
is counted again, and again once the map is rebuilt only if that block's
prices changed; a price or promotion change rebuckets the blocks whose prices
moved.
Views also keep the summary and each page's ordered ids under ``results_key``
(what the results depend on, not their SQL), so another URL of the same results
builds no query at all.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.core.exceptions import BadRequest
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalog import blocks, facet_counts, price_map, search
from catalog.versions import catalog_versions
from commerce.core.cache import cache

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
StockRecord = get_model("partner", "StockRecord")

PRICE_EDGES = [
    Decimal(n) for n in (0, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
]  # buckets [a, b), the last open-ended
ATTRIBUTE_TYPES = ("text", "option")
MAX_ATTRIBUTE_VALUES = 12
IN_STOCK, OUT_OF_STOCK = "in_stock", "out_of_stock"
PRICE_SORTS = {"price_asc": False, "price_desc": True}
TIMEOUT = 10 * 60
FILTER_PARAMS = ("category", "price_min", "price_max", "availability")


def _decimal(value: str | None, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BadRequest(f"{name} must be a number") from None
    if not number.is_finite() or number < 0 or number > Decimal("1e9"):
        raise BadRequest(f"{name} must be a positive amount")
    return number


@dataclass
class Filters:
    category: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    availability: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_query(cls, params) -> Filters:
        """The filters of a query string (``request.GET``); a malformed one is a 400."""
        category = params.get("category") or None
        if category is not None:
            if not category.isdigit() or len(category) > 12:
                raise BadRequest("category must be a category id")
            category = int(category)
        availability = params.get("availability") or None
        if availability not in (None, IN_STOCK, OUT_OF_STOCK):
            raise BadRequest("availability must be in_stock or out_of_stock")
        attributes = {}
        for key in sorted(params):
            if key.startswith("attr_") and len(key) <= 133:
                values = sorted({v[:255] for v in params.getlist(key) if v})[:20]
                if values:
                    attributes[key[5:]] = values
        return cls(
            category=category,
            price_min=_decimal(params.get("price_min"), "price_min"),
            price_max=_decimal(params.get("price_max"), "price_max"),
            availability=availability,
            attributes=attributes,
        )

    @property
    def needs_prices(self) -> bool:
        """A price range is asked for (availability is read from the stock records)."""
        return self.price_min is not None or self.price_max is not None

    def price_in_range(self, price: Decimal | None) -> bool:
        if price is None:
            return not self.needs_prices
        if self.price_min is not None and price < self.price_min:
            return False
        return self.price_max is None or price < self.price_max

    def as_params(self) -> list[tuple[str, str]]:
        params = []
        if self.category is not None:
            params.append(("category", str(self.category)))
        for name in ("price_min", "price_max"):
            value = getattr(self, name)
            if value is not None:
                params.append((name, str(value)))
        if self.availability:
            params.append(("availability", self.availability))
        for code, values in self.attributes.items():
            params.extend((f"attr_{code}", v) for v in values)
        return params


def catalog_prices(strategy, *, site, company) -> price_map.PriceMap | None:
    """The audience's price map (``catalog.price_map.lookup``): fresh, stale while
    its rebuild is queued, or None before the first one is built."""
    return price_map.lookup(strategy, site=site, company=company)


def in_stock() -> Exists:
    """A product with units free to sell in any stock record (``free`` of the map)."""
    return Exists(facet_counts.free_stock().filter(product_id=OuterRef("pk")))


def apply(queryset: QuerySet, filters: Filters, prices) -> QuerySet:
    """``queryset`` narrowed by ``filters``; ``prices(narrowed)``: the prices a price
    range is checked against (called only for one)."""
    if filters.category is not None:
        queryset = queryset.filter(
            Exists(
                ProductCategory.objects.filter(
                    product_id=OuterRef("pk"), category_id=filters.category
                )
            )
        )
    for code, values in filters.attributes.items():
        queryset = queryset.filter(
            Exists(
                ProductAttributeValue.objects.filter(
                    product_id=OuterRef("pk"), attribute__code=code
                ).filter(Q(value_text__in=values) | Q(value_option__option__in=values))
            )
        )
    if filters.availability == IN_STOCK:
        queryset = queryset.filter(in_stock())
    elif filters.availability == OUT_OF_STOCK:
        queryset = queryset.filter(~in_stock())
    if filters.needs_prices:
        keep = [
            pk for pk, (price, _free) in prices(queryset).items() if filters.price_in_range(price)
        ]
        queryset = queryset.filter(pk__in=keep)
    return queryset


def result_ids(queryset: QuerySet) -> list[int]:
    return list(queryset.order_by().values_list("pk", flat=True))


def results_key(parts: list[str]) -> str:
    """A key for what a listing's results depend on (``parts``: its view, scope,
    filters and audiences), with the language and the catalog and vocabulary versions."""
    every = [*parts, get_language() or "", catalog_versions(), search.vocabulary_version()]
    return hashlib.sha256("|".join(every).encode()).hexdigest()


def cached_summary(key: str, build) -> dict:
    """The ``summary`` of the results of ``key`` (``results_key``); ``build()`` on a miss."""
    cache_key = f"catalog:results-summary:{key}"
    found = cache.get(cache_key)
    if found is None:
        found = build()
        cache.set(cache_key, found, TIMEOUT)
    return found


class CachedPages:
    """A listing's ordered result ids, read a page at a time (a slice, as a
    paginator takes them), each page cached under ``key`` (``results_key`` and the
    sort): another URL showing the same page reads it back without building or
    running the query (``queryset``: the results, built only on a miss)."""

    ordered = True

    def __init__(self, key: str, queryset):
        self.key = key
        self.queryset = queryset

    def __getitem__(self, window: slice) -> list[int]:
        key = f"catalog:page-ids:{self.key}:{window.start}:{window.stop}"
        found = cache.get(key)
        if found is None:
            ids = self.queryset.select_related(None).prefetch_related(None)
            found = list(ids.values_list("pk", flat=True)[window])
            cache.set(key, found, TIMEOUT)
        return found


def sort_by_price(ids: list[int], prices, *, descending: bool) -> list[int]:
    """Ids in price order (unpriced last either way), ties by id."""
    priced = [pk for pk in ids if prices.get(pk, (None, 0))[0] is not None]
    unpriced = sorted(pk for pk in ids if prices.get(pk, (None, 0))[0] is None)
    priced.sort(key=lambda pk: (prices[pk][0], pk), reverse=descending)
    return priced + unpriced


def _summary_key(results: str, price_audience: str, hidden_categories, price_tag: str) -> str:
    digest = hashlib.sha1(  # noqa: S324 - a cache key, not a security boundary
        "|".join(
            [
                results,
                price_audience,
                price_tag,
                repr(sorted(hidden_categories)),
                get_language() or "",
            ]
        ).encode()
    ).hexdigest()
    return f"catalog:facets:{catalog_versions()}:{digest}"


def _price_slot(price: Decimal) -> int:
    """The bucket ``[PRICE_EDGES[i], PRICE_EDGES[i + 1])`` holding ``price`` (the
    first for anything below the first edge): a bisection, as it runs once per
    result when a summary is taken."""
    return max(bisect.bisect_right(PRICE_EDGES, price) - 1, 0)


def summary(
    queryset, prices: price_map.PriceMap | None, *, hidden_categories, price_audience: str, ids=None
) -> dict:
    """What the facets count over the results of ``queryset`` (``prices``: the price
    map, its prices loaded on a miss only; ``ids``: its result ids if already
    known): the total, per category, per price bucket (None without a map), in
    stock, per attribute value. Cached per result set (see the module docstring);
    a miss costs one counting statement (``facet_counts.result_counts``), and the
    result ids only when there are prices to bucket."""
    results = facet_counts.results_digest(queryset)  # the SQL compiled once
    if results is None:  # e.g. ``.none()``: nothing to count
        return {
            "count": 0,
            "categories": [],
            "prices": {},
            "prices_stale": False,
            "in_stock": 0,
            "attributes": [],
        }
    tag = "none" if prices is None else prices.tag
    key = _summary_key(results, price_audience, hidden_categories, tag)
    found = cache.get(key)
    if found is not None:
        return found
    counted = facet_counts.result_counts(queryset, hidden_categories, results=results)
    by_slot = None if prices is None else price_buckets(queryset, prices, ids=ids, results=results)
    found = {
        "count": counted["count"],
        "categories": counted["categories"],
        "prices": by_slot,
        "prices_stale": prices is not None and not prices.fresh,
        "in_stock": counted["in_stock"],
        "attributes": counted["attributes"],
    }
    if prices is None or prices.complete:  # never keep counts taken from a map partly evicted
        cache.set(key, found, TIMEOUT)
    return found


def price_buckets(
    queryset, prices: price_map.PriceMap, *, ids=None, results: str | None = None
) -> dict[int, int]:
    """{price bucket: results in it} at the map's prices, counted by block of
    product ids (``catalog.blocks``): a block is keyed by its version and the
    digest of its prices in the map, so after one product's change (and after
    the map rebuilt for it) only that product's block is counted again, reading
    its result ids and its part of the map. ``ids``: the result ids if known;
    ``results``: their ``facet_counts.results_digest`` if taken already."""
    results = results or facet_counts.results_digest(queryset)
    if results is None:
        return {}

    def count(stale: list[int], every: bool) -> dict[int, Counter]:
        wanted = set(stale)
        if ids is not None:
            found_ids = [pk for pk in ids if every or pk // blocks.BLOCK in wanted]
        else:
            scoped = queryset if every else queryset.filter(blocks.in_blocks(stale))
            found_ids = list(scoped.order_by().values_list("pk", flat=True))
        known = prices.prices if every else prices.block_prices(stale)
        if not prices.complete:
            raise _MapEvicted
        by_block: dict[int, Counter] = {}
        for pk in found_ids:
            price = known.get(pk, (None, 0))[0]
            if price is not None:
                by_block.setdefault(pk // blocks.BLOCK, Counter())[_price_slot(price)] += 1
        return by_block

    try:
        return blocks.summed(
            f"price-buckets:{results}:{prices.slot}",
            count,
            Counter(),
            lambda counted: dict(sum(counted, Counter())),
            parts=prices.block_digest,
        )
    except _MapEvicted:
        return {}


class _MapEvicted(Exception):
    """A block of the price map was gone: nothing counted from it is kept."""


def _link(base: list[tuple[str, str]], drop: set[str], add: list[tuple[str, str]]) -> str:
    kept = [(k, v) for k, v in base if k not in drop and k != "page"]
    return "?" + urlencode(kept + add)


def _bucket_label(low: Decimal, high: Decimal | None, currency_format) -> str:
    if high is None:
        return _("%(low)s and above") % {"low": currency_format(low)}
    return f"{currency_format(low)} – {currency_format(high)}"  # noqa: RUF001


def facets(counted: dict, filters: Filters, params, *, money):
    """Facet groups with counts over the results (``counted``: their ``summary``) and
    links that toggle them.

    ``params``: the request's query as (key, value) pairs; ``money``: formats an amount.
    """
    groups = []

    # Categories (direct filing), by name.
    options = [
        {
            "label": name,
            "value": str(category_id),
            "count": n,
            "selected": filters.category == category_id,
            "url": _link(params, {"category"}, [("category", str(category_id))])
            if filters.category != category_id
            else _link(params, {"category"}, []),
        }
        for category_id, name, n in counted["categories"]
    ]
    if options:
        groups.append({"name": "category", "label": _("Category"), "options": options})

    # Price, in the viewer's own prices (none until the audience's map is built;
    # from the previous map, marked stale, while the current one builds).
    counts = counted["prices"] or {}
    in_stock = counted["in_stock"]
    options = []
    for slot in sorted(counts):
        low = PRICE_EDGES[slot]
        high = PRICE_EDGES[slot + 1] if slot + 1 < len(PRICE_EDGES) else None
        selected = filters.price_min == low and filters.price_max == high
        add = [("price_min", str(low))] + ([("price_max", str(high))] if high else [])
        options.append(
            {
                "label": _bucket_label(low, high, money),
                "value": f"{low}-{high or ''}",
                "count": counts[slot],
                "selected": selected,
                "url": _link(params, {"price_min", "price_max"}, [] if selected else add),
            }
        )
    if options:
        groups.append(
            {
                "name": "price",
                "label": _("Price"),
                "options": options,
                "stale": counted.get("prices_stale", False),
            }
        )

    # Availability.
    options = []
    for value, label, count in (
        (IN_STOCK, _("In stock"), in_stock),
        (OUT_OF_STOCK, _("Out of stock"), counted["count"] - in_stock),
    ):
        if count:
            selected = filters.availability == value
            options.append(
                {
                    "label": label,
                    "value": value,
                    "count": count,
                    "selected": selected,
                    "url": _link(
                        params, {"availability"}, [] if selected else [("availability", value)]
                    ),
                }
            )
    if options:
        groups.append({"name": "availability", "label": _("Availability"), "options": options})

    # Attribute values (text and option attributes).
    by_attribute: dict[tuple[str, str], dict[str, int]] = {}
    for code, name, value, n in counted["attributes"]:
        if not value:
            continue
        values = by_attribute.setdefault((code, name), {})
        values[value] = values.get(value, 0) + n
    for (code, name), values in by_attribute.items():
        chosen = filters.attributes.get(code, [])
        key = f"attr_{code}"
        options = []
        for value, count in sorted(values.items(), key=lambda item: (-item[1], item[0]))[
            :MAX_ATTRIBUTE_VALUES
        ]:
            selected = value in chosen
            others = [v for v in chosen if v != value]
            add = [(key, v) for v in (others if selected else [*chosen, value])]
            options.append(
                {
                    "label": value,
                    "value": value,
                    "count": count,
                    "selected": selected,
                    "url": _link(params, {key}, add),
                }
            )
        groups.append({"name": key, "label": name, "options": options})
    return groups
