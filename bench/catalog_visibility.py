"""Benchmark: catalogue pages with visibility restrictions on a large catalog.

    python bench/catalog_visibility.py [--products 50000] [--rounds 20]

Runs against BENCH_DATABASE_URL (see ``benchdb``). Restricts a tenth of the
catalog to one company through an assortment, a whole top-level category to
another company, and makes 2,000 products portal-only; then prints, for a
storefront visitor and a portal buyer, the time and query count of a warm
catalogue page (first and 50th page), and the cold cost of what is cached
per audience (the result count and the category menu counts).
"""

from __future__ import annotations

import argparse
import statistics
import time

import benchdb

benchdb.configure()


def setup(products: int):
    benchdb.setup_django()
    from django.db import connection
    from oscar.core.loading import get_model

    from accounts.models import Company, Membership
    from commerce.demo.catalog import UPC_PREFIX, seed_catalog
    from commerce.demo.people import Person, ensure_user

    Product = get_model("catalogue", "Product")
    Category = get_model("catalogue", "Category")
    Assortment = get_model("catalogue", "Assortment")

    print(f"catalog: ensuring {products} products ...", flush=True)
    seed_catalog(products, images=False)
    granted, _ = Company.objects.get_or_create(
        name="Bench Co", defaults={"status": Company.Status.ACTIVE, "tax_id": "BENCH-1"}
    )
    other, _ = Company.objects.get_or_create(
        name="Bench Other", defaults={"status": Company.Status.ACTIVE, "tax_id": "BENCH-2"}
    )
    buyer = ensure_user(Person("bench.buyer@example.com", "Bench", "Buyer"))
    Membership.objects.get_or_create(user=buyer, company=granted, defaults={"role": "buyer"})
    ids = list(
        Product.objects.filter(upc__startswith=UPC_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[: products // 5 : 2]
    )
    assortment, _ = Assortment.objects.get_or_create(name="Bench assortment")
    assortment.products.set(ids)
    assortment.companies.set([granted])
    Category.objects.filter(depth=1).order_by("path").last().visible_to_companies.set([other])
    Product.objects.filter(pk__in=ids[:2000]).update(channels="portal")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"restrictions: {len(ids)} products in an assortment, one category subtree, "
        f"{min(len(ids), 2000)} portal-only\n"
    )
    return granted, buyer


def run(products: int, rounds: int) -> None:
    granted, buyer = setup(products)
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog import menu, selectors

    storefront = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    portal = Client(HTTP_HOST=settings.PORTAL_HOST)
    portal.force_login(buyer)
    audiences = [
        ("storefront visitor", storefront, "storefront", None),
        ("portal buyer", portal, "portal", granted),
    ]
    for label, client, site, company in audiences:
        cache.clear()
        start = time.perf_counter()
        selectors.browsable_products(site=site, company=company).count()
        count_ms = (time.perf_counter() - start) * 1000
        menu._tree(2)  # the tree itself is shared by everyone
        start = time.perf_counter()
        menu._counts(2, site=site, company=company)
        menu_ms = (time.perf_counter() - start) * 1000
        print(f"{label}: cold result count {count_ms:.0f} ms, cold menu counts {menu_ms:.0f} ms")
        for url in ("/catalogue/", "/catalogue/?page=50"):
            client.get(url)
            times, queries = [], 0
            for _ in range(rounds):
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(ctx.captured_queries)
            print(
                f"  {url:22s} median {statistics.median(times):6.1f} ms  "
                f"p90 {sorted(times)[int(len(times) * 0.9) - 1]:6.1f} ms  {queries} queries"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=20)
    args, _unknown = parser.parse_known_args()
    run(args.products, args.rounds)
