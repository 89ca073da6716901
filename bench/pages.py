"""Benchmark: catalog pages under gunicorn against a bare Django view, in one run.

    python bench/pages.py [--products 10000] [--seconds 5] [--rounds 3] [--workers 2]
    python bench/pages.py --search-only      (what bench/search.py runs)

Seeds BENCH_DATABASE_URL (default: a ``commerce_bench`` PostgreSQL database)
with the demo catalog, a company on a tier price list with an entry for every
product and a buyer; starts the project under gunicorn (sync workers,
``DB_CONN_MAX_AGE=60``) with one extra URL, ``/__bare__/``, a view returning
``HttpResponse("ok")`` behind the full middleware stack; then loads each page
with the project's own load generator (``bench/loadgen.py``: processes x
keep-alive connections, like ``wrk -t2 -c8``), pages alternating round by
round so all meet the same noise, and prints req/s (median of the rounds),
p50 latency and the ratio to the bare view.

The server's cache is a private redis-server the run starts (``redis-server``
from PATH), as in production; ``--no-redis`` measures the pages uncached.

``--replica`` runs everything on a private primary with a streaming replica
(``bench/replica.sh``, needs root): the server gets ``DATABASE_REPLICA_URL``,
and the run prints how many transactions and rows each of the two served.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import benchdb
import loadgen

benchdb.configure()
ROOT = Path(__file__).resolve().parents[1]


def setup(products: int) -> dict:
    benchdb.setup_django()
    from decimal import Decimal

    from django.conf import settings
    from django.test import Client
    from oscar.core.loading import get_model

    from accounts.models import Company, Membership
    from catalog import search
    from commerce.demo.catalog import UPC_PREFIX, seed_catalog
    from commerce.demo.people import Person, ensure_user

    PriceList = get_model("partner", "PriceList")
    PriceListEntry = get_model("partner", "PriceListEntry")
    Product = get_model("catalogue", "Product")
    Category = get_model("catalogue", "Category")

    print(f"catalog: ensuring {products:,} products ...", flush=True)
    seed_catalog(products, images=False)
    missing = Product.objects.filter(search_vector__isnull=True).values_list("pk", flat=True)
    if missing.exists():
        print("search documents: building ...", flush=True)
        search.reindex(list(missing))
    tier, _ = PriceList.objects.get_or_create(
        code="bench-pages-tier", defaults={"name": "Bench Silver", "kind": "tier"}
    )
    company, _ = Company.objects.get_or_create(
        name="Bench Pages Co",
        defaults={"status": Company.Status.ACTIVE, "tax_id": "BENCH-P1", "price_tier": tier},
    )
    buyer = ensure_user(Person("bench.pages@example.com", "Bench", "Pages"))
    Membership.objects.get_or_create(user=buyer, company=company, defaults={"role": "buyer"})
    ids = list(
        Product.objects.filter(upc__startswith=UPC_PREFIX, parent__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:products]
    )
    if tier.entries.count() < len(ids):
        tier.entries.all().delete()
        PriceListEntry.objects.bulk_create(
            (
                PriceListEntry(price_list=tier, product_id=pk, unit_price=Decimal("9.50"))
                for pk in ids
            ),
            batch_size=5000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(buyer)
    product = Product.objects.get(pk=ids[len(ids) // 2])
    leaf = Category.objects.filter(numchild=0).order_by("path").first()
    word = product.title.split()[0].lower()
    # A signed-in storefront customer, and an anonymous visitor with a basket.
    customer = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    customer.force_login(ensure_user(Person("bench.customer@example.com", "Bench", "Customer")))
    shopper = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    shopper.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    basket_cookie = next(name for name in shopper.cookies if name.startswith("oscar_open_basket"))
    return {
        "customer_session": customer.cookies[settings.SESSION_COOKIE_NAME].value,
        "basket_cookie": (basket_cookie, shopper.cookies[basket_cookie].value),
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "product_url": product.get_absolute_url(),
        # A visitor who has looked at three other products (Oscar's history cookie).
        "history": json.dumps(ids[len(ids) // 2 + 1 : len(ids) // 2 + 4], separators=(",", ":")),
        "category_url": leaf.get_absolute_url(),
        "word": word,
        "storefront": settings.STOREFRONT_HOST,
        "portal": settings.PORTAL_HOST,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(directory: str) -> tuple[subprocess.Popen, str]:
    """A private redis-server for the run (nobody else flushes or fills it)."""
    import shutil

    import redis

    port = free_port()
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = subprocess.Popen(  # noqa: S603 - a fixed argv
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            return process, url
        except redis.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("redis-server did not start")


def start_gunicorn(
    port: int, workers: int, redis_url: str | None, database_url: str | None = None
) -> subprocess.Popen:
    """The project under gunicorn on ``port`` (the benchmark database unless
    ``database_url`` names another), with ``redis_url`` as its cache (none: no cache)."""
    env = {**os.environ, "DB_CONN_MAX_AGE": "60", "DEBUG": "0"}
    if database_url:
        env["DATABASE_URL"] = database_url
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [
            str(gunicorn),
            "--chdir",
            str(ROOT),
            "--pythonpath",
            str(ROOT / "bench"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bare_wsgi:application",
        ],
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/__bare__/", headers={"Host": "localhost"}
            )
            with urllib.request.urlopen(request, timeout=2):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start")


def load(port, host, path, cookies, args) -> loadgen.Result:
    """One round of load on ``path`` with the run's settings."""
    return loadgen.run(
        port,
        host,
        path,
        cookies,
        seconds=args.seconds,
        processes=args.processes,
        connections=args.connections,
    )


def pages(info: dict, search_only: bool) -> list[tuple[str, str, str, dict]]:
    """(label, host, path, cookies)."""
    portal_cookie = {info["cookie_name"]: info["session"]}
    store, portal = info["storefront"], info["portal"]
    word = info["word"]
    rows = [("bare view (HttpResponse, full middleware)", store, "/__bare__/", {})]
    if search_only:
        typo = word[0] + word[2] + word[1] + word[3:]
        return [
            *rows,
            (f"storefront search ({word})", store, f"/search/?q={word}", {}),
            (f"storefront search, typo ({typo})", store, f"/search/?q={typo}", {}),
            (
                "storefront search, sorted by price",
                store,
                f"/search/?q={word}&sort_by=price_asc",
                {},
            ),
            (f"portal search ({word})", portal, f"/search/?q={word}", portal_cookie),
            (f"UNCACHED storefront search ({word})", store, f"/search/?q={word}&u={{n}}", {}),
            ("UNCACHED storefront search, typo", store, f"/search/?q={typo}&u={{n}}", {}),
            (
                f"UNCACHED portal search ({word})",
                portal,
                f"/search/?q={word}&u={{n}}",
                portal_cookie,
            ),
        ]
    return [
        *rows,
        ("storefront /catalogue/", store, "/catalogue/", {}),
        ("storefront category page", store, info["category_url"], {}),
        (f"storefront search ({word})", store, f"/search/?q={word}", {}),
        ("storefront product page", store, info["product_url"], {}),
        ("portal /catalogue/ (tier buyer)", portal, "/catalogue/", portal_cookie),
        ("portal product page", portal, info["product_url"], portal_cookie),
        (
            "storefront product page, viewed others",
            store,
            info["product_url"],
            {"oscar_history": info["history"]},
        ),
        (
            "portal product page, viewed others",
            portal,
            info["product_url"],
            {**portal_cookie, "oscar_history": info["history"]},
        ),
        (
            "storefront /catalogue/, signed-in customer",
            store,
            "/catalogue/",
            {info["cookie_name"]: info["customer_session"]},
        ),
        (
            "storefront /catalogue/, visitor with a basket",
            store,
            "/catalogue/",
            dict([info["basket_cookie"]]),
        ),
        ("UNCACHED storefront /catalogue/", store, "/catalogue/?u={n}", {}),
        ("UNCACHED portal /catalogue/", portal, "/catalogue/?u={n}", portal_cookie),
    ]


def start_replica(scratch: str) -> dict[str, str]:
    """A private primary + streaming replica (bench/replica.sh); returns their URLs."""
    out = subprocess.run(  # noqa: S603 - our own script
        [
            "/bin/bash",
            str(ROOT / "bench" / "replica.sh"),
            "start",
            scratch,
            str(free_port()),
            str(free_port()),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def stop_replica(scratch: str) -> None:
    script = str(ROOT / "bench" / "replica.sh")
    subprocess.run(["/bin/bash", script, "stop", scratch], check=False)  # noqa: S603


def database_activity(url: str) -> tuple[int, int]:
    """(transactions, rows returned) the server of ``url`` has counted for its database."""
    import psycopg2

    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT xact_commit + xact_rollback, tup_returned + tup_fetched "
            "FROM pg_stat_database WHERE datname = %s",
            [name],
        )
        row = cursor.fetchone()
    connection.close()
    return int(row[0]), int(row[1])


def wait_for_replica(primary: str, replica: str, timeout: float = 120) -> float:
    """Seconds until the replica has replayed everything the primary wrote so far."""
    import psycopg2

    source = psycopg2.connect(primary)
    source.autocommit = True
    target = psycopg2.connect(replica)
    target.autocommit = True
    started = time.monotonic()
    with source.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn = cursor.fetchone()[0]
    with target.cursor() as cursor:
        while time.monotonic() - started < timeout:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
    source.close()
    target.close()
    return time.monotonic() - started


def start_relay(redis_url: str, url: str) -> subprocess.Popen:
    """An outbox relay on database ``url`` (builds the listing price maps)."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, str(ROOT / "manage.py"), "relay_outbox", "--interval", "0.5"],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def price_map_ready(port, host, path, cookies, *, timeout: float = 600.0) -> float:
    """Seconds until the page (a fresh URL each time) shows a current price facet."""
    import http.client

    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < timeout:
        n += 1
        sep = "&" if "?" in path else "?"
        url = path.replace("{n}", f"ready{n}") + f"{sep}ready={n}"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", url, headers={"Host": host, "Cookie": cookie})
        html = connection.getresponse().read().decode()
        connection.close()
        if 'data-facet="price">' in html:
            return time.perf_counter() - started
        time.sleep(0.5)
    return float("inf")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--search-only", action="store_true")
    parser.add_argument("--replica", action="store_true")
    parser.add_argument(
        "--only", help="measure only the pages whose label contains this (and the bare view)"
    )
    args = parser.parse_args()

    replica_dir = tempfile.mkdtemp(prefix="bench-replica-") if args.replica else None
    try:
        run(args, replica_dir)
    finally:
        if replica_dir:
            stop_replica(replica_dir)


def run(args, replica_dir: str | None) -> None:
    urls = {}
    if replica_dir:
        urls = start_replica(replica_dir)
        os.environ["BENCH_DATABASE_URL"] = urls["DATABASE_URL"]
        benchdb.configure()
    info = setup(args.products)
    activity = {}
    if replica_dir:
        lag = wait_for_replica(urls["DATABASE_URL"], urls["DATABASE_REPLICA_URL"])
        print(f"replica caught up with the seeded catalog in {lag:.1f} s", flush=True)
        os.environ["DATABASE_REPLICA_URL"] = urls["DATABASE_REPLICA_URL"]
        activity = {name: database_activity(url) for name, url in urls.items()}
    port = free_port()
    scratch = tempfile.mkdtemp(prefix="bench-redis-")
    redis_server, redis_url = (None, None) if args.no_redis else start_redis(scratch)
    server = start_gunicorn(port, args.workers, redis_url)
    # The outbox relay a deployment runs (with the workers): it builds each price
    # audience's listing price map, without which listings are not cached.
    relay = start_relay(redis_url, os.environ["DATABASE_URL"])
    try:
        targets = pages(info, args.search_only)
        if args.only:
            targets = [t for i, t in enumerate(targets) if i == 0 or args.only in t[0]]
        for label, host, path, cookies in targets:  # until the price maps are built
            listing = label.startswith(("storefront", "portal")) and "product page" not in label
            if listing and not args.no_redis:
                seconds = price_map_ready(port, host, path, cookies)
                print(f"{label}: price map ready after {seconds:.1f} s", flush=True)
        for _label, host, path, cookies in targets:  # warm up every page
            loadgen.run(port, host, path, cookies, seconds=1.0, processes=1, connections=2)
        results: dict[str, list] = {label: [] for label, *_ in targets}
        for round_ in range(args.rounds):
            for label, host, path, cookies in round_order(targets, round_):
                results[label].append(load(port, host, path, cookies, args))
    finally:
        relay.terminate()
        relay.wait(timeout=60)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if redis_server is not None:
            redis_server.terminate()
            redis_server.wait(timeout=10)

    print(
        f"\n{args.products:,} products; gunicorn {args.workers} sync workers; load "
        f"{args.processes} processes x {args.connections} connections, {args.seconds:g} s x "
        f"{args.rounds} rounds (median); cache {'off' if args.no_redis else 'Redis'}\n"
    )
    bare = None
    print(f"| {'page':<48} | {'req/s':>8} | {'p50 ms':>7} | {'errors':>6} | x bare |")
    print(f"|{'-' * 50}|{'-' * 10}|{'-' * 9}|{'-' * 8}|--------|")
    for label, runs in results.items():
        rate = statistics.median(r.rate for r in runs)
        p50 = statistics.median(r.p50_ms for r in runs)
        errors = sum(r.errors for r in runs)
        bare = bare or rate
        print(f"| {label:<48} | {rate:>8.1f} | {p50:>7.1f} | {errors:>6} | {rate / bare:.3f}  |")
    if activity:
        print("\nserved during the run (transactions, rows read):")
        for name, url in urls.items():
            xacts, rows = (
                a - b for a, b in zip(database_activity(url), activity[name], strict=True)
            )
            role = "replica" if name == "DATABASE_REPLICA_URL" else "primary"
            print(f"  {role}: {xacts:,} transactions, {rows:,} rows")
    paired = [(p, s) for p, s in PAIRS.items() if p in results and s in results]
    if paired:
        print("\nportal / storefront, each round's pair back to back (median of the rounds):")
    for portal, storefront in paired:
        ratios = [
            a.rate / b.rate for a, b in zip(results[portal], results[storefront], strict=True)
        ]
        rounds = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"  {portal}: {statistics.median(ratios):.2f} (rounds: {rounds})")


# Each portal page and its storefront counterpart, measured side by side.
PAIRS = {
    "portal /catalogue/ (tier buyer)": "storefront /catalogue/",
    "portal product page": "storefront product page",
    "portal product page, viewed others": "storefront product page, viewed others",
}


def round_order(targets: list, round_: int) -> list:
    """The pages of one round: each portal page right beside its storefront page
    (which of the two goes first alternates by round), so that a pair meets the
    same machine speed; a drift of the machine's speed over the run moves both."""
    by_label = {target[0]: target for target in targets}
    partner_of = {storefront: portal for portal, storefront in PAIRS.items()}
    order = []
    for target in targets:
        label = target[0]
        if label in PAIRS and PAIRS[label] in by_label:
            continue  # placed with its storefront page
        portal = partner_of.get(label)
        if portal in by_label:
            pair = [target, by_label[portal]]
            order += pair if round_ % 2 == 0 else pair[::-1]
        else:
            order.append(target)
    return order


if __name__ == "__main__":
    main()
