"""Benchmark: the catalogue at 10,000 and then 100,000 products, in one run.

    python bench/growth.py [--sizes 10000,100000] [--entries 1000000] [--seconds 3]
                           [--rounds 2] [--replica]

Builds the catalog in steps (``seed_catalog``: bulk inserts in batches, then
the search documents of the new products), and at the last size fills price
lists up to ``--entries`` price-list entries (one INSERT ... SELECT per list:
the bench company's tier list, and contract lists of other companies), then
at every size:

* serves the pages under gunicorn with the project's load generator (see
  ``bench/pages.py``: same pages, same cache, same server), cached and
  UNCACHED (a new URL each request, so the listing is rendered afresh);
* counts the queries of each page (a warm request through the test client).

It prints one table per size and then the ratio of the last size to the
first per page: p50 latency (goal: within 1.2x) and queries (goal: equal).
``--replica`` runs it on a private primary with a streaming replica.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import benchdb
import loadgen
import pages

benchdb.configure()


def grow(products: int) -> float:
    """Seed the catalog up to ``products`` (with search documents); seconds taken."""
    from django.db import connection
    from oscar.core.loading import get_model

    from catalog import search
    from catalog.pagination import bump_catalog_version
    from commerce.demo.catalog import seed_catalog

    Product = get_model("catalogue", "Product")
    started = time.monotonic()
    print(f"catalog: growing to {products:,} products ...", flush=True)
    seed_catalog(products, images=False)
    missing = list(Product.objects.filter(search_vector__isnull=True).values_list("pk", flat=True))
    if missing:
        print(f"search documents: {len(missing):,} ...", flush=True)
        search.reindex(missing)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    bump_catalog_version()
    return time.monotonic() - started


def fill_price_lists(entries: int) -> float:
    """Price-list entries up to ``entries`` in all: the bench tier list has one per
    product; contract lists of bench companies take the rest. Seconds taken."""
    from django.db import connection, transaction
    from oscar.core.loading import get_model

    from accounts.models import Company

    PriceList = get_model("partner", "PriceList")
    PriceListEntry = get_model("partner", "PriceListEntry")
    Product = get_model("catalogue", "Product")

    started = time.monotonic()
    products = Product.objects.filter(parent__isnull=True).count()
    tier = PriceList.objects.get(code="bench-pages-tier")
    lists = [tier]
    needed = max(1, -(-entries // products))
    for n in range(1, needed):
        company, _ = Company.objects.get_or_create(
            name=f"Bench Contract Co {n}",
            defaults={"status": Company.Status.ACTIVE, "tax_id": f"BENCH-C{n}"},
        )
        price_list, _ = PriceList.objects.get_or_create(
            code=f"bench-contract-{n}",
            defaults={"name": f"Bench contract {n}", "kind": "contract", "company": company},
        )
        lists.append(price_list)
    left = entries
    for price_list in lists:
        want = min(products, left)
        left -= want
        have = price_list.entries.count()
        if have >= want:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            # One statement per list: every product without an entry yet, in id order.
            cursor.execute(
                f"""
                INSERT INTO {PriceListEntry._meta.db_table}
                    (price_list_id, product_id, min_quantity, unit_price)
                SELECT %s, p.id, 1, round((5 + (p.id %% 900) / 10.0)::numeric, 2)
                FROM catalogue_product p
                WHERE p.parent_id IS NULL AND NOT EXISTS (
                    SELECT 1 FROM {PriceListEntry._meta.db_table} e
                    WHERE e.price_list_id = %s AND e.product_id = p.id
                )
                ORDER BY p.id
                LIMIT %s
                """,  # noqa: S608 - table names from the model, values as parameters
                [price_list.pk, price_list.pk, want - have],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = PriceListEntry.objects.count()
    print(f"price lists: {total:,} entries in {len(lists)} lists", flush=True)
    return time.monotonic() - started


def page_queries(info: dict, targets) -> dict[str, int]:
    """label -> queries of a warm request of the page (test client, this process)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    store = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    portal = Client(HTTP_HOST=settings.PORTAL_HOST)
    portal.cookies[info["cookie_name"]] = info["session"]
    counts = {}
    for label, host, path, _cookies in targets:
        if path.startswith("/__bare__"):
            continue
        client = portal if host == info["portal"] else store
        client.get(path.replace("{n}", "0"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path.replace("{n}", "1"))
        if response.status_code != 200:
            raise SystemExit(f"{label}: {response.status_code}")
        counts[label] = len(ctx.captured_queries)
    return counts


def measure(args, info: dict, redis_url: str | None) -> dict[str, tuple[float, float, int, int]]:
    """label -> (req/s, p50 ms, errors, queries)."""
    targets = [
        *pages.pages(info, search_only=False),
        (
            f"UNCACHED storefront search ({info['word']})",
            info["storefront"],
            f"/search/?q={info['word']}&u={{n}}",
            {},
        ),
        (
            "UNCACHED storefront category page",
            info["storefront"],
            info["category_url"] + "?u={n}",
            {},
        ),
        (
            "UNCACHED storefront product page",
            info["storefront"],
            info["product_url"] + "?u={n}",
            {},
        ),
    ]
    queries = page_queries(info, targets)
    port = pages.free_port()
    server = pages.start_gunicorn(port, args.workers, redis_url)
    try:
        for _label, host, path, cookies in targets:
            loadgen.run(port, host, path, cookies, seconds=1.0, processes=1, connections=2)
        runs: dict[str, list] = {label: [] for label, *_ in targets}
        for _round in range(args.rounds):
            for label, host, path, cookies in targets:
                runs[label].append(
                    loadgen.run(
                        port,
                        host,
                        path,
                        cookies,
                        seconds=args.seconds,
                        processes=args.processes,
                        connections=args.connections,
                    )
                )
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    return {
        label: (
            statistics.median(r.rate for r in results),
            statistics.median(r.p50_ms for r in results),
            sum(r.errors for r in results),
            queries.get(label, 0),
        )
        for label, results in runs.items()
    }


def print_table(title: str, figures: dict) -> None:
    print(f"\n{title}\n")
    print(f"| {'page':<48} | {'req/s':>7} | {'p50 ms':>7} | {'errors':>6} | queries |")
    print(f"|{'-' * 50}|{'-' * 9}|{'-' * 9}|{'-' * 8}|---------|")
    for label, (rate, p50, errors, queries) in figures.items():
        print(f"| {label:<48} | {rate:>7.1f} | {p50:>7.1f} | {errors:>6} | {queries:>7} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--replica", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    replica_dir = tempfile.mkdtemp(prefix="bench-replica-") if args.replica else None
    scratch = tempfile.mkdtemp(prefix="bench-redis-")
    redis_server, redis_url = pages.start_redis(scratch)
    try:
        urls = {}
        if replica_dir:
            urls = pages.start_replica(replica_dir)
            os.environ["BENCH_DATABASE_URL"] = urls["DATABASE_URL"]
            benchdb.configure()
        info = pages.setup(sizes[0])
        results, timings = {}, {}
        for size in sizes:
            timings[size] = grow(size)
            info = pages.setup(size)
            if size == sizes[-1]:
                timings[f"{args.entries:,} price entries"] = fill_price_lists(args.entries)
            if replica_dir:
                lag = pages.wait_for_replica(urls["DATABASE_URL"], urls["DATABASE_REPLICA_URL"])
                print(f"replica caught up in {lag:.1f} s", flush=True)
                os.environ["DATABASE_REPLICA_URL"] = urls["DATABASE_REPLICA_URL"]
            results[size] = measure(args, info, redis_url)
            os.environ.pop("DATABASE_REPLICA_URL", None)
            print_table(f"{size:,} products", results[size])
    finally:
        redis_server.terminate()
        redis_server.wait(timeout=10)
        if replica_dir:
            pages.stop_replica(replica_dir)

    print("\nbuild times: " + ", ".join(f"{k}: {v:.0f} s" for k, v in timings.items()))
    first, last = results[sizes[0]], results[sizes[-1]]
    print(f"\n{sizes[-1]:,} vs {sizes[0]:,} products (goal: p50 within 1.2x, queries equal)\n")
    print(f"| {'page':<48} | p50 x | queries |")
    print(f"|{'-' * 50}|-------|---------|")
    for label in first:
        if label.startswith("bare"):
            continue
        ratio = last[label][1] / first[label][1] if first[label][1] else 0.0
        print(f"| {label:<48} | {ratio:>5.2f} | {first[label][3]:>3} → {last[label][3]:<3}|")


if __name__ == "__main__":
    main()
