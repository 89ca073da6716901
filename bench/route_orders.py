"""Benchmark: dealer routing decisions over a large network.

    python bench/route_orders.py [--orders 1000] [--dealers 200] [--products 10000]
                                 [--stocked 500]

Builds (once) ``--dealers`` dealers spread over German postcode regions, each
stocking ``--stocked`` random products of a ``--products`` catalog sold through
dealers, then routes ``--orders`` orders of one to three lines to random German
postcodes exactly as placement does (``dealer_handoff_plan``: which products
go through dealers, dealer stock locked, facts loaded in bulk, the routing
function), each in a transaction that is rolled back. Prints the queries per
decision (min/max: constant in the number of dealers, products and lines; a
second pass with a tenth of the dealers active shows the same count) and the
time per decision. Runs against BENCH_DATABASE_URL (default: a
``commerce_bench_dealers`` PostgreSQL database, created and migrated if missing).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/commerce_bench_dealers"
)
import benchdb

benchdb.configure()
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


class _Rollback(Exception):
    pass


def build(dealers: int, products: int, stocked: int) -> None:
    from oscar.core.loading import get_model

    from accounts.models import Company
    from commerce.dealers.geo import DE_REGIONS
    from commerce.dealers.models import DealerAssortment, DealerProfile, DealerStock

    Category = get_model("catalogue", "Category")
    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    ProductCategory = get_model("catalogue", "ProductCategory")

    root = Category.objects.get_root_nodes().filter(name="Bench dealer goods").first()
    if root is None:
        root = Category.add_root(name="Bench dealer goods")
    DealerAssortment.objects.get_or_create(category=root, product=None)
    kind, _ = ProductClass.objects.get_or_create(
        slug="bench-dealer", defaults={"name": "Bench dealer", "track_stock": True}
    )
    have = Product.objects.filter(upc__startswith="BD-").count()
    if have < products:
        made = Product.objects.bulk_create(
            [
                Product(
                    upc=f"BD-{n:06d}",
                    title=f"Dealer good {n}",
                    product_class=kind,
                    structure="standalone",
                    slug=f"dealer-good-{n}",
                )
                for n in range(have, products)
            ],
            batch_size=2000,
        )
        ProductCategory.objects.bulk_create(
            [ProductCategory(product=p, category=root) for p in made], batch_size=2000
        )
    product_ids = list(
        Product.objects.filter(upc__startswith="BD-").order_by("pk").values_list("pk", flat=True)
    )[:products]
    regions = sorted(DE_REGIONS)
    rng = random.Random(7)
    have = DealerProfile.objects.filter(company__name__startswith="Bench dealer ").count()
    for n in range(have, dealers):
        company = Company.objects.create(name=f"Bench dealer {n:04d}", status="active")
        home = regions[n % len(regions)]
        lat, lon = DE_REGIONS[home]
        dealer = DealerProfile.objects.create(
            company=company,
            postcode_prefixes=[home, regions[(n + 7) % len(regions)]],
            latitude=Decimal(f"{lat:.4f}"),
            longitude=Decimal(f"{lon:.4f}"),
            radius_km=rng.choice([None, 30, 60]),
            rating=Decimal(f"{rng.uniform(3, 5):.2f}"),
            daily_capacity=10_000,
        )
        DealerStock.objects.bulk_create(
            [
                DealerStock(dealer=dealer, product_id=pk, num_in_stock=rng.randint(0, 20))
                for pk in rng.sample(product_ids, min(stocked, len(product_ids)))
            ],
            batch_size=5000,
        )


def route_once(orders: int, seed: int) -> tuple[list[int], list[float], int]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from oscar.core.loading import get_model

    from commerce.dealers.geo import DE_REGIONS
    from commerce.dealers.services import dealer_handoff_plan

    Product = get_model("catalogue", "Product")
    ids = list(Product.objects.filter(upc__startswith="BD-").values_list("pk", flat=True))
    regions = sorted(DE_REGIONS)
    rng = random.Random(seed)

    class Line:
        def __init__(self, product_id, quantity):
            self.product_id, self.quantity = product_id, quantity

    class Address:
        country_id = "DE"

        def __init__(self, postcode):
            self.postcode = postcode

    queries, seconds, to_dealer = [], [], 0
    for _ in range(orders):
        lines = [Line(pk, rng.randint(1, 2)) for pk in rng.sample(ids, rng.randint(1, 3))]
        address = Address(rng.choice(regions) + f"{rng.randint(0, 999):03d}")
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                handoff = dealer_handoff_plan(lines=lines, shipping_address=address)
                seconds.append(time.perf_counter() - started)
                queries.append(len(ctx.captured_queries))
                to_dealer += bool(handoff and handoff.to_dealer)
                raise _Rollback
        except _Rollback:
            pass
    return queries, seconds, to_dealer


def report(label: str, queries, seconds, to_dealer, orders) -> None:
    ms = sorted(s * 1000 for s in seconds)
    print(
        f"{label}: {orders} decisions, queries per decision min {min(queries)} "
        f"max {max(queries)}; time per decision mean {statistics.mean(ms):.2f} ms, "
        f"p50 {ms[len(ms) // 2]:.2f} ms, p95 {ms[int(len(ms) * 0.95)]:.2f} ms; "
        f"{to_dealer} routed to a dealer, {orders - to_dealer} direct"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--dealers", type=int, default=200)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--stocked", type=int, default=500)
    args = parser.parse_args(argv)
    benchdb.setup_django()
    from django.conf import settings

    settings.DEBUG = False
    from commerce.dealers.models import DealerProfile

    started = time.perf_counter()
    build(args.dealers, args.products, args.stocked)
    print(f"network ready in {time.perf_counter() - started:.1f} s")
    bench = DealerProfile.objects.filter(company__name__startswith="Bench dealer ")
    bench.update(status="active")
    queries, seconds, to_dealer = route_once(args.orders, seed=1)
    report(f"{bench.count()} dealers", queries, seconds, to_dealer, args.orders)
    few = list(bench.order_by("pk").values_list("pk", flat=True)[: max(args.dealers // 10, 1)])
    bench.exclude(pk__in=few).update(status="paused")
    try:
        queries, seconds, to_dealer = route_once(args.orders // 5, seed=2)
        report(f"{len(few)} dealers active", queries, seconds, to_dealer, args.orders // 5)
    finally:
        bench.update(status="active")
    return 0


if __name__ == "__main__":
    sys.exit(main())
