"""Benchmark: price a 48-product portal page for a company with a 100,000-entry contract list.

    python bench/price_page.py [--products 50000] [--entries 100000] [--rounds 30]

Runs against BENCH_DATABASE_URL (default: a `commerce_bench` PostgreSQL
database on 127.0.0.1, created and migrated if missing). Prints the time per
page and the query count for the engine alone and for the whole portal page.
"""

from __future__ import annotations

import argparse
import statistics
import time

import benchdb

benchdb.configure()

PAGE = 48


def setup(products: int, entries: int):
    benchdb.setup_django()
    from decimal import Decimal

    from oscar.core.loading import get_model

    from accounts.models import Company, Membership
    from commerce.demo.catalog import UPC_PREFIX, seed_catalog
    from commerce.demo.people import Person, ensure_user

    PriceList = get_model("partner", "PriceList")
    PriceListEntry = get_model("partner", "PriceListEntry")
    Product = get_model("catalogue", "Product")

    print(f"catalog: ensuring {products} products ...", flush=True)
    seed_catalog(products, images=False)
    company, _ = Company.objects.get_or_create(
        name="Bench Co", defaults={"status": Company.Status.ACTIVE, "tax_id": "BENCH-1"}
    )
    buyer = ensure_user(Person("bench.buyer@example.com", "Bench", "Buyer"))
    Membership.objects.get_or_create(user=buyer, company=company, defaults={"role": "buyer"})
    tier, _ = PriceList.objects.get_or_create(
        code="bench-tier", defaults={"name": "Bench tier", "kind": "tier"}
    )
    if company.price_tier_id != tier.pk:
        company.price_tier = tier
        company.save(update_fields=["price_tier"])
    contract, _ = PriceList.objects.get_or_create(
        code="bench-contract",
        defaults={"name": "Bench contract", "kind": "contract", "company": company},
    )
    have = contract.entries.count()
    if have < entries:
        print(f"contract list: adding {entries - have} entries ...", flush=True)
        ids = list(
            Product.objects.filter(upc__startswith=UPC_PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        breaks = (1, 10, 50)
        rows = []
        n = 0
        for pk in ids:
            for minimum in breaks:
                if n >= entries:
                    break
                rows.append(
                    PriceListEntry(
                        price_list=contract,
                        product_id=pk,
                        min_quantity=minimum,
                        unit_price=Decimal("9.99") - minimum // 10,
                    )
                )
                n += 1
        contract.entries.all().delete()
        PriceListEntry.objects.bulk_create(rows, batch_size=5000)
    tier_count = tier.entries.count()
    if tier_count == 0:
        ids = Product.objects.filter(upc__startswith=UPC_PREFIX).values_list("pk", flat=True)
        PriceListEntry.objects.bulk_create(
            (
                PriceListEntry(
                    price_list=tier, product_id=pk, min_quantity=1, unit_price=Decimal("10.50")
                )
                for pk in ids
            ),
            batch_size=5000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return company, buyer, contract


def measure(rounds: int, company, buyer, contract) -> None:
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog import selectors
    from commerce import sites
    from pricing.strategy import Selector

    settings.OSCAR_PRODUCTS_PER_PAGE = PAGE
    print(f"\ncontract list entries: {contract.entries.count():,}; page size {PAGE}\n")

    engine_times, engine_queries = [], []
    for r in range(rounds):
        offset = (r * PAGE) % 5000
        page = list(
            selectors.browsable_products(site=sites.PORTAL, company=company)[offset : offset + PAGE]
        )
        strategy = Selector().strategy(channel=sites.PORTAL, user=buyer, company=company)
        strategy.note_visible(page)
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            strategy.prefetch(page)
            quotes = [strategy.fetch_for_product(p).price for p in page]
            engine_times.append(time.perf_counter() - start)
        engine_queries.append(len(ctx.captured_queries))
        assert len(quotes) == PAGE

    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(buyer)
    client.get("/catalogue/")
    page_times, page_queries = [], []
    for r in range(rounds):
        url = f"/catalogue/?page={1 + r % 50}"
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            page_times.append(time.perf_counter() - start)
        assert response.status_code == 200
        page_queries.append(len(ctx.captured_queries))

    def row(name, times, queries):
        ms = [t * 1000 for t in times]
        p95 = sorted(ms)[int(len(ms) * 0.95) - 1]
        print(
            f"{name:<38} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   "
            f"queries {min(queries)}-{max(queries)}"
        )

    row("engine: price 48 products (prefetch)", engine_times, engine_queries)
    row("portal catalogue page (48 products)", page_times, page_queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    company, buyer, contract = setup(args.products, args.entries)
    measure(args.rounds, company, buyer, contract)


if __name__ == "__main__":
    main()
