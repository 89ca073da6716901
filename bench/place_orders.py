"""Benchmark: place orders concurrently through the one order pipeline.

    python bench/place_orders.py [--workers 4] [--orders 400] [--products 200]
                                 [--payment mixed|card|account] [--gateway-ms 0,200]
                                 [--profile]

Every worker is a separate process (as web workers are) and a different
portal buyer of one company, placing orders of three lines from a shared pool
of products, so orders contend for the same stock rows and the same credit
account as real traffic would. With ``--payment mixed`` (the default) half
the workers pay by card through the sandbox gateway, the others on account;
the run is repeated for each gateway answer time in ``--gateway-ms``
(``SANDBOX_GATEWAY_LATENCY_MS``). Each worker builds all its baskets first;
then the workers wait for each other (a barrier) and place them together, and
the figure of record is the orders placed per second of wall clock of that
phase (the checkout's POST, ``order_place``, with every worker placing at
once). Besides it and the latency percentiles it prints the time spent
building the baskets, the worker's CPU per order, and how long statements
waited for row locks (``SELECT ... FOR UPDATE``, timed in every worker): with
the gateway called outside the locked step, those waits do not grow with the
gateway's answer time.
Side-effect tasks are queued to Redis (database 15, purged afterwards) when it
is reachable, as in production. Runs against BENCH_DATABASE_URL (default: a
`commerce_bench` PostgreSQL database, created and migrated if missing) and
prints orders per second and latency percentiles of ``order_place``.
``--profile`` places ``--orders`` orders one after the other in one process
instead and prints the statements of the last one (repeated ones grouped) and
a cProfile of ``order_place`` (cumulative time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal

import benchdb

benchdb.configure()
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


if _redis_up(os.environ["BENCH_REDIS_URL"]):
    os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
else:
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"


def setup(threads: int, products: int):
    benchdb.setup_django()
    from oscar.core.loading import get_model

    from accounts.models import Company, CompanyAddress, Membership
    from commerce.billing.credit import credit_set_terms
    from commerce.billing.models import CreditAccount
    from commerce.demo.catalog import seed_catalog
    from commerce.demo.people import Person, ensure_countries, ensure_user

    seed_catalog(products, images=False)
    ensure_countries()
    company, _ = Company.objects.get_or_create(
        name="Bench Orders Co", defaults={"status": Company.Status.ACTIVE, "tax_id": "BENCH-ORD"}
    )
    country = get_model("address", "Country").objects.get(iso_3166_1_a2="DE")
    ship_to, _ = CompanyAddress.objects.get_or_create(
        company=company,
        kind="ship_to",
        label="Bench dock",
        defaults={
            "last_name": "Dock",
            "line1": "1 Bench Way",
            "line4": "Berlin",
            "postcode": "10115",
            "country": country,
            "is_default": True,
        },
    )
    # On-account orders need terms; a limit no benchmark run can reach, so
    # every order contends for the credit-account lock without being refused.
    account, _ = CreditAccount.objects.get_or_create(company=company)
    credit_set_terms(account=account, actor=None, credit_limit=Decimal("1000000000.00"))
    buyers = []
    for n in range(threads):
        user = ensure_user(Person(f"bench.orders.{n}@example.com", "Bench", f"Buyer {n}"))
        Membership.objects.get_or_create(user=user, company=company, defaults={"role": "buyer"})
        buyers.append(user)
    StockRecord = get_model("partner", "StockRecord")
    StockRecord.objects.filter(product__upc__startswith="NW-").update(
        num_in_stock=10**6, num_allocated=0
    )
    product_ids = list(
        get_model("catalogue", "Product")
        .objects.filter(upc__startswith="NW-")
        .order_by("pk")
        .values_list("pk", flat=True)[:products]
    )
    return company, ship_to, buyers, product_ids


class LockWaits:
    """An ``execute_wrapper`` timing every ``SELECT ... FOR UPDATE`` (the wait
    for the row locks and the statement itself)."""

    def __init__(self):
        self.waits: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        if "FOR UPDATE" not in sql:
            return execute(sql, params, many, context)
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.waits.append(time.perf_counter() - start)


def _order(rng, user, company, address, product_ids, payment):
    """A fresh portal basket of three products from the shared pool, and its checkout."""
    from oscar.core.loading import get_model

    from commerce.checkout.placement import CheckoutRequest
    from pricing.strategy import Selector

    Basket = get_model("basket", "Basket")
    Product = get_model("catalogue", "Product")
    basket = Basket.objects.create(owner=user, site_id=2, company=company)
    basket.strategy = Selector().strategy(channel="portal", user=user, company=company)
    for pk in rng.sample(product_ids, 3):
        basket.add_product(Product.objects.get(pk=pk), rng.randint(1, 5))
    request = CheckoutRequest(
        channel="portal",
        user=user,
        company=company,
        shipping_address=address,
        shipping_method_code="freight",
        payment_method=payment,
        card_token="tok_sandbox_approve" if payment == "card" else "",
    )
    return basket, request


def _shape(sql: str) -> str:
    """A statement with its literals taken out, so repeats group together."""
    import re

    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((?:\?, )+\?\)", "(?...)", sql)
    return sql


def profile(company, ship_to, buyer, product_ids, payment: str, orders: int) -> None:
    """Place ``orders`` orders in this process, one at a time: the statements of
    the last one (repeats grouped) and where the Python time of all went."""
    import cProfile
    import io
    import pstats
    import random
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.addresses import order_address_fields
    from commerce.checkout.placement import order_place

    rng = random.Random(0)
    address = order_address_fields(ship_to)
    profiler = cProfile.Profile()
    spent = []
    for _ in range(orders):
        basket, request = _order(rng, buyer, company, address, product_ids, payment)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            profiler.enable()
            order_place(basket=basket, request=request)
            profiler.disable()
            spent.append(time.perf_counter() - start)
    statements = [q["sql"] for q in captured.captured_queries]
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    print(f"\n--- profile: {orders} orders of 3 lines, payment: {payment}, one process ---")
    print(
        f"order_place median {statistics.median(spent) * 1000:6.1f} ms; the last order ran "
        f"{len(statements)} statements ({sql_ms:.1f} ms in the database)"
    )
    for shape, count in Counter(_shape(sql) for sql in statements).most_common():
        if count > 1:
            print(f"{count:3d} x {shape[:160]}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())


def _worker(
    n, per_worker, company_id, ship_to_id, buyer_id, product_ids, results, payment, ms, barrier
):
    """One process: its own database connection. It builds its ``per_worker``
    baskets first (not timed as placing), waits at ``barrier`` until every
    worker has built its own, then places them one after the other."""
    import random

    from django.conf import settings
    from django.db import connection
    from oscar.core.loading import get_model

    from accounts.addresses import order_address_fields
    from accounts.models import Company, CompanyAddress
    from commerce.checkout.placement import order_place

    connection.close()  # never share the parent's connection
    settings.SANDBOX_GATEWAY_LATENCY_MS = ms
    if payment == "mixed":
        payment = "card" if n % 2 == 0 else "account"
    lock_waits = LockWaits()
    User = get_model("accounts", "User")
    company = Company.objects.get(pk=company_id)
    ship_to = CompanyAddress.objects.get(pk=ship_to_id)
    user = User.objects.get(pk=buyer_id)
    address = order_address_fields(ship_to)
    rng = random.Random(n)
    built = time.perf_counter()
    orders = [_order(rng, user, company, address, product_ids, payment) for _ in range(per_worker)]
    built = time.perf_counter() - built
    barrier.wait()
    latencies, failures, cpu = [], [], 0.0
    started = time.monotonic()
    for basket, request in orders:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            with connection.execute_wrapper(lock_waits):
                order_place(basket=basket, request=request)
        except Exception as error:
            failures.append(type(error).__name__)
            continue
        finally:
            cpu += time.process_time() - start_cpu
        latencies.append(time.perf_counter() - start)
    results.put(
        {
            "latencies": latencies,
            "failures": failures,
            "waits": lock_waits.waits,
            "built": built,
            "cpu": cpu,
            "started": started,
            "finished": time.monotonic(),
        }
    )


def run(workers: int, orders: int, company, ship_to, buyers, product_ids, payment="account", ms=0):
    import multiprocessing

    from django.db import connection

    connection.close()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    barrier = context.Barrier(workers)
    per_worker = orders // workers
    processes = [
        context.Process(
            target=_worker,
            args=(
                n,
                per_worker,
                company.pk,
                ship_to.pk,
                buyers[n].pk,
                product_ids,
                results,
                payment,
                ms,
                barrier,
            ),
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    reports = [results.get() for _ in processes]
    for process in processes:
        process.join()
    latencies = [x for report in reports for x in report["latencies"]]
    failures = [x for report in reports for x in report["failures"]]
    waits = [x for report in reports for x in report["waits"]]
    # The placing phase: from the first worker passing the barrier to the last
    # one done (CLOCK_MONOTONIC is one clock for every process of the machine).
    wall = max(r["finished"] for r in reports) - min(r["started"] for r in reports)
    gateway_ms = ms
    ms = sorted(x * 1000 for x in latencies)

    def pct(p):
        return ms[min(len(ms) - 1, int(len(ms) * p))] if ms else float("nan")

    mode = "queued to Redis" if os.environ.get("CELERY_TASK_ALWAYS_EAGER") == "0" else "run inline"
    failed = f"{len(failures)} failed {sorted(set(failures))}"
    print(f"\n--- gateway answers in {gateway_ms} ms, payment: {payment} ---")
    print(f"{workers} worker processes, {len(ms)} orders placed, {failed}")
    print(f"side-effect tasks: {mode}")
    if not ms:
        sys.exit("no order was placed: see the failures above")
    built = max(r["built"] for r in reports)
    print(f"baskets built first (not timed below): {per_worker} per worker in {built:6.1f} s")
    print(
        f"throughput, {workers} processes placing at once (wall clock): "
        f"{len(ms) / wall:7.1f} orders/s  ({len(ms)} orders in {wall:.2f} s)"
    )
    # The workers' time inside order_place only (what the checkout's POST costs).
    placing = workers * len(ms) / (sum(ms) / 1000)
    print(f"throughput of order_place alone (workers / mean latency): {placing:7.1f} orders/s")
    cpu = sum(r["cpu"] for r in reports) / (len(ms) + len(failures))
    print(f"CPU of the worker process per order_place: {cpu * 1000:6.1f} ms")
    print(
        f"order_place latency: median {statistics.median(ms):6.1f} ms   p95 {pct(0.95):6.1f} ms   "
        f"p99 {pct(0.99):6.1f} ms   max {ms[-1]:6.1f} ms"
    )
    waited = sorted(x * 1000 for x in waits)
    if waited:
        print(
            f"row-lock waits ({len(waited)} SELECT ... FOR UPDATE): "
            f"p95 {waited[min(len(waited) - 1, int(len(waited) * 0.95))]:6.1f} ms   "
            f"longest {waited[-1]:6.1f} ms"
        )
    if mode == "queued to Redis":
        from commerce.celery import app

        app.control.purge()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--payment", choices=["mixed", "card", "account"], default="mixed")
    parser.add_argument(
        "--gateway-ms", default="0,200", help="sandbox gateway answer times to run, in ms"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="place --orders orders in one process instead: statements and cProfile",
    )
    args = parser.parse_args()
    company, ship_to, buyers, product_ids = setup(args.workers, args.products)
    if args.profile:
        payment = "account" if args.payment == "mixed" else args.payment
        profile(company, ship_to, buyers[0], product_ids, payment, args.orders)
        return
    for gateway_ms in (int(x) for x in args.gateway_ms.split(",")):
        run(
            args.workers,
            args.orders,
            company,
            ship_to,
            buyers,
            product_ids,
            payment=args.payment,
            ms=gateway_ms,
        )


if __name__ == "__main__":
    main()
