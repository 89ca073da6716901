"""Facts for routing, loaded in bulk: a constant number of queries whatever the
number of dealers or products (see ``bench/route_orders.py``)."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Max, Q
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.dealers import geo
from commerce.dealers.models import (
    DEFAULT_CHAIN,
    DealerAssortment,
    DealerOffer,
    DealerProfile,
    DealerStock,
    RoutingChain,
)
from commerce.dealers.routing import DealerFacts, RoutingFacts

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")


def _category_paths(product_ids) -> dict[int, list[str]]:
    paths: dict[int, list[str]] = {pid: [] for pid in product_ids}
    for product_id, path in ProductCategory.objects.filter(
        product_id__in=list(product_ids)
    ).values_list("product_id", "category__path"):
        paths[product_id].append(path)
    return paths


def dealer_products(product_ids) -> set[int]:
    """The products of ``product_ids`` that are sold through dealers (staff setting:
    the product itself or one of its categories, or a category above it). Two queries."""
    product_ids = set(product_ids)
    if not product_ids:
        return set()
    rows = list(DealerAssortment.objects.values_list("product_id", "category__path"))
    if not rows:
        return set()
    by_product = {pid for pid, _ in rows if pid is not None}
    prefixes = tuple(path for _, path in rows if path)
    chosen = product_ids & by_product
    if prefixes:
        for product_id, paths in _category_paths(product_ids - chosen).items():
            if any(path.startswith(prefixes) for path in paths):
                chosen.add(product_id)
    return chosen


def chain_for(product_ids) -> list[str]:
    """The routing chain of the first product category that has one (a category
    chain applies below it too), else the default chain. Two queries."""
    chains = list(RoutingChain.objects.values_list("category__path", "steps"))
    if not chains:
        return list(DEFAULT_CHAIN)
    default = next((steps for path, steps in chains if path is None), None)
    by_path = sorted(
        ((path, steps) for path, steps in chains if path), key=lambda item: -len(item[0])
    )
    if by_path:
        for _product, paths in sorted(_category_paths(product_ids).items()):
            for path in sorted(paths):
                for prefix, steps in by_path:
                    if path.startswith(prefix):
                        return list(steps)
    return list(default or DEFAULT_CHAIN)


def load_facts(
    *,
    country: str,
    postcode: str,
    lines: list[tuple[int, int]] = (),
    excluded=(),
    now: datetime | None = None,
    stock_rows: list | None = None,
) -> RoutingFacts:
    """Everything ``routing.route`` needs, in three queries (plus the stock rows,
    unless the caller locked and passes them). Only active dealers take part."""
    now = now or timezone.now()
    dealers = list(
        DealerProfile.objects.filter(status=DealerProfile.Status.ACTIVE).values_list(
            "id",
            "company__name",
            "country",
            "postcode_prefixes",
            "latitude",
            "longitude",
            "radius_km",
            "rating",
            "daily_capacity",
        )
    )
    start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    usage = {
        row["dealer_id"]: row
        for row in DealerOffer.objects.values("dealer_id").annotate(
            today=Count("pk", filter=Q(offered_at__gte=start)), last=Max("offered_at")
        )
    }
    product_ids = {product for product, _ in lines}
    if stock_rows is None:
        stock_rows = (
            list(DealerStock.objects.filter(product_id__in=product_ids)) if product_ids else []
        )
    stock = {(row.dealer_id, row.product_id): row.free for row in stock_rows}
    facts = tuple(
        DealerFacts(
            id=pk,
            name=name,
            country=country_code,
            postcode_prefixes=tuple(str(p) for p in (prefixes or [])),
            point=None if lat is None or lon is None else (float(lat), float(lon)),
            radius_km=None if radius is None else float(radius),
            rating=float(rating),
            capacity_left=capacity - usage.get(pk, {}).get("today", 0),
            last_offered_at=usage.get(pk, {}).get("last"),
        )
        for pk, name, country_code, prefixes, lat, lon, radius, rating, capacity in dealers
    )
    return RoutingFacts(
        country=(country or "").upper(),
        postcode=(postcode or "").replace(" ", ""),
        point=geo.locate(country, postcode),
        dealers=facts,
        lines=tuple(sorted(lines)),
        stock=stock,
        excluded=frozenset(excluded),
    )
