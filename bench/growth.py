"""Benchmark: the catalog pages at 10,000 and at 100,000 products, side by side.

    python bench/growth.py [--small 10000] [--large 100000] [--entries 1000000]
                           [--seconds 3] [--rounds 3] [--workers 2] [--reseed]

Two databases, kept between runs: ``<BENCH_DATABASE_URL>_10k`` and
``<BENCH_DATABASE_URL>_100k`` (named after the sizes). Each is seeded in bulk
(``commerce.demo.bulk``: COPY + INSERT ... SELECT, then the search documents)
up to its size, with price-list entries in proportion (``--entries`` at the
large size: the bench tier list with one per product, contract lists the
rest); a database that already holds them is used as it is, ``--reseed`` drops
and rebuilds both.

Seeding and the query counts run in one subprocess per database (Django binds
one database per process); the counts are test-client requests, each page
cold (right after clearing the cache) and warm (the same page again; for an
UNCACHED page another fresh URL).

Then one gunicorn per database (same settings, ``--workers`` sync workers
each, one private redis-server with a database number each) and the project's
load generator (``bench/loadgen.py``) on every page, cached and UNCACHED (a
new URL each request), alternating: each round, page by page, the small and
the large server one after the other (the order flips every round), so both
meet the same machine load. Before the load, every page is requested once on
its own at each size (the cold request: nothing cached yet; reported as
"first ms"). Once the price maps are built, each page is requested again right
after one product was edited (its title saved through the ORM by a helper
process on the same database and cache, which sends the model signals as the
dashboard does): "edit ms", the first request after a product edit. Prints
req/s and p50 per size (median of the rounds), the p50 ratio large/small (goal:
within 1.2), the queries, and the cold and after-edit request times.
Gunicorn runs with its default 30 s timeout: no request prices the catalog.
A relay (``manage.py relay_outbox``) per database builds the listing price maps
the first requests queue (``catalog.price_map``); the seconds until a listing
shows its current price facet are reported as "map ready s".
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchdb
import loadgen
import pages

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.2
MARKER = "GROWTH-JSON "


def database_url(size: int) -> str:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/commerce_bench")
    return f"{base}_{size // 1000}k" if size % 1000 == 0 else f"{base}_{size}"


def drop_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(url.rsplit("/", 1)[1]))
        )
    admin.close()


def targets(info: dict) -> list[tuple[str, str, str, dict]]:
    """(label, host, path, cookies): every page cached (one URL) and UNCACHED (a new
    URL each request). Labels do not depend on the size, so the two runs pair up."""
    rows = [
        row
        for row in pages.pages(info, search_only=False)
        if not row[0].startswith(("bare", "UNCACHED"))
    ]
    for label, host, path, cookies in list(rows):
        joiner = "&" if "?" in path else "?"
        rows.append((f"UNCACHED {label}", host, f"{path}{joiner}u={{n}}", cookies))
    return rows


# --- inside the per-database subprocess ---------------------------------------------


def prepare(size: int, entries: int, probe: int) -> dict:
    """Seed this process's database (bulk, idempotent) and describe its pages."""
    benchdb.setup_django()
    from oscar.core.loading import get_model

    from commerce.demo.bulk import bulk_seed_catalog, fill_price_lists
    from commerce.demo.catalog import upc_for

    Product = get_model("catalogue", "Product")
    started = time.monotonic()
    created = bulk_seed_catalog(size, progress=lambda s: print(f"[{size:,}] {s}", flush=True))
    info_entries = fill_price_lists(
        entries, progress=lambda s: print(f"[{size:,}] {s}", flush=True)
    )
    seeded = time.monotonic() - started
    info = pages.setup(size)
    # The same product (and so the same search word) at both sizes.
    product = Product.objects.get(upc=upc_for(probe))
    info["product_url"] = product.get_absolute_url()
    info["word"] = product.title.split()[0].lower()
    info["created"], info["seed_seconds"] = created, round(seeded, 1)
    info["entries"] = info_entries
    info["queries"] = page_queries(info)
    return info


def page_queries(info: dict) -> dict[str, list[int]]:
    """label -> [queries cold, queries warm] through the test client (warm: the page
    again once the price map the cold request queued is built, as the relay does in
    production, and the page rendered with it once)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog import price_map
    from commerce.outbox.services import outbox_relay

    store = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    portal = Client(HTTP_HOST=settings.PORTAL_HOST)
    portal.cookies[info["cookie_name"]] = info["session"]
    counts = {}
    for label, host, path, _cookies in targets(info):
        client = portal if host == info["portal"] else store
        cache.clear()
        found = []
        for n in (0, 1):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path.replace("{n}", str(n)))
            if response.status_code != 200:
                raise SystemExit(f"{label}: HTTP {response.status_code}")
            found.append(len(ctx.captured_queries))
            if n == 0 and outbox_relay(topics=[price_map.TOPIC]).done:
                client.get(path.replace("{n}", "prewarm"))  # rendered (cached) with the map
        counts[label] = found
    return counts


def child(args) -> None:
    info = prepare(args.prepare, args.child_entries, args.probe)
    print(MARKER + json.dumps(info), flush=True)


def edit_child(args) -> None:
    """Save the probe product's title once per line read (through the ORM: the
    model signals retire what it changes), answering each when done."""
    benchdb.setup_django()
    from oscar.core.loading import get_model

    from commerce.demo.catalog import upc_for

    product = get_model("catalogue", "Product").objects.get(upc=upc_for(args.probe))
    title = product.title
    print(MARKER + "ready", flush=True)
    for n, _line in enumerate(sys.stdin):
        product.title = f"{title} ({n})"
        product.save()
        print(MARKER + "edited", flush=True)
    product.title = title
    product.save()


# --- the driver --------------------------------------------------------------------


def seed_and_count(size: int, entries: int, probe: int, redis_url: str) -> dict:
    env = {**os.environ, "BENCH_DATABASE_URL": database_url(size), "REDIS_URL": redis_url}
    command = [
        sys.executable,
        str(Path(__file__)),
        "--prepare",
        str(size),
        "--child-entries",
        str(entries),
        "--probe",
        str(probe),
    ]
    process = subprocess.run(  # noqa: S603 - our own script
        command, env=env, stdout=subprocess.PIPE, text=True, check=True
    )
    for line in process.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
        print(line, flush=True)
    raise SystemExit(f"seeding {size:,} products printed no result")


class Editor:
    """A process editing one product of a database (``edit_child``), on request."""

    def __init__(self, size: int, probe: int, redis_url: str):
        env = {**os.environ, "BENCH_DATABASE_URL": database_url(size), "REDIS_URL": redis_url}
        command = [sys.executable, str(Path(__file__)), "--edit-child", "--probe", str(probe)]
        self.process = subprocess.Popen(  # noqa: S603 - our own script
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._answer("ready")

    def _answer(self, word: str) -> None:
        for line in self.process.stdout:
            if line.strip() == MARKER + word:
                return
        raise SystemExit(f"the product editor stopped before answering {word!r}")

    def edit(self) -> None:
        self.process.stdin.write("edit\n")
        self.process.stdin.flush()
        self._answer("edited")

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def first_request(port, host, path, cookies, tag: str = "cold") -> float:
    """Milliseconds of one request of the page, nothing else running."""
    import http.client

    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path.replace("{n}", tag), headers={"Host": host, "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000, help="at the large size")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-entries", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--probe", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--edit-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.edit_child:
        benchdb.configure()
        edit_child(args)
        return
    if args.prepare:
        benchdb.configure()
        child(args)
        return

    sizes = (args.small, args.large)
    scratch = tempfile.mkdtemp(prefix="bench-redis-")
    redis_server, redis_url = pages.start_redis(scratch)
    cache_urls = {size: f"{redis_url[:-2]}/{n}" for n, size in enumerate(sizes)}
    servers = {}
    relays = {}
    try:
        infos = {}
        for size in sizes:
            if args.reseed:
                drop_database(database_url(size))
            entries = max(size, args.entries * size // args.large)
            started = time.monotonic()
            infos[size] = seed_and_count(size, entries, args.small // 2, cache_urls[size])
            print(
                f"{size:,} products ({database_url(size).rsplit('/', 1)[1]}): "
                f"{infos[size]['created']:,} created, ready in {time.monotonic() - started:.0f} s",
                flush=True,
            )
        rows = {size: targets(infos[size]) for size in sizes}
        for size in sizes:
            port = pages.free_port()
            servers[size] = (
                port,
                pages.start_gunicorn(port, args.workers, cache_urls[size], database_url(size)),
            )
            relays[size] = pages.start_relay(cache_urls[size], database_url(size))
        first = {size: {} for size in sizes}
        ready = {size: {} for size in sizes}
        for size in sizes:  # every page once, alone: the cold request
            for label, host, path, cookies in rows[size]:
                first[size][label] = first_request(servers[size][0], host, path, cookies)
        for size in sizes:  # then until the price facet is current (built by the relay)
            for label, host, path, cookies in rows[size]:
                if "catalogue/ " in label + " " and "UNCACHED" not in label:
                    port = servers[size][0]
                    ready[size][label] = pages.price_map_ready(port, host, path, cookies)
        for size in sizes:
            for label, seconds in ready[size].items():
                print(f"{size:,}: {label}: price map ready after {seconds:.1f} s", flush=True)
        edited = {size: {} for size in sizes}
        for size in sizes:  # the first request of each page after one product edit
            editor = Editor(size, args.small // 2, cache_urls[size])
            try:
                for label, host, path, cookies in rows[size]:
                    first_request(servers[size][0], host, path, cookies, "before-edit")
                    editor.edit()
                    edited[size][label] = first_request(
                        servers[size][0], host, path, cookies, "edit"
                    )
            finally:
                editor.close()
        before = os.getloadavg()
        for size in sizes:  # warm up every page on both servers
            for _label, host, path, cookies in rows[size]:
                loadgen.run(
                    servers[size][0], host, path, cookies, seconds=1.0, processes=1, connections=2
                )
        runs: dict[int, dict[str, list]] = {size: {} for size in sizes}
        for round_ in range(args.rounds):
            for index in range(len(rows[sizes[0]])):
                order = sizes if round_ % 2 == 0 else sizes[::-1]
                for size in order:
                    label, host, path, cookies = rows[size][index]
                    runs[size].setdefault(label, []).append(
                        pages.load(servers[size][0], host, path, cookies, args)
                    )
        after = os.getloadavg()
    finally:
        for _port, server in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        for relay in relays.values():
            relay.terminate()
            relay.wait(timeout=60)
        redis_server.terminate()
        redis_server.wait(timeout=10)

    small, large = sizes
    print(
        f"\n{small:,} vs {large:,} products ({infos[small]['entries']:,} vs "
        f"{infos[large]['entries']:,} price-list entries); gunicorn {args.workers} sync workers "
        f"per database; load {args.processes} processes x {args.connections} connections, "
        f"{args.seconds:g} s x {args.rounds} rounds alternating (median); load average "
        f"{before[0]:.1f} at the start, {after[0]:.1f} at the end\n"
    )
    s, g = f"{small // 1000}k", f"{large // 1000}k"
    print(
        f"| {'page':<44} | req/s {s:>4} | req/s {g:>4} | p50 {s:>4} | p50 {g:>4} | p50 x | "
        f"<= {GOAL} | queries cold | queries warm | first ms {s:>4} | first ms {g:>4} |"
        f" edit ms {s:>4} | edit ms {g:>4} |"
    )
    print(
        f"|{'-' * 46}|{'-' * 12}|{'-' * 12}|{'-' * 10}|{'-' * 10}|-------|-------|"
        f"{'-' * 14}|{'-' * 14}|{'-' * 15}|{'-' * 15}|{'-' * 14}|{'-' * 14}|"
    )
    for label in runs[small]:
        rate = {size: statistics.median(r.rate for r in runs[size][label]) for size in sizes}
        p50 = {size: statistics.median(r.p50_ms for r in runs[size][label]) for size in sizes}
        errors = sum(r.errors for size in sizes for r in runs[size][label])
        ratio = p50[large] / p50[small] if p50[small] else float("inf")
        cold = [infos[size]["queries"][label][0] for size in sizes]
        warm = [infos[size]["queries"][label][1] for size in sizes]
        print(
            f"| {label:<44} | {rate[small]:>10.1f} | {rate[large]:>10.1f} | {p50[small]:>8.1f} | "
            f"{p50[large]:>8.1f} | {ratio:>5.2f} | {'yes' if ratio <= GOAL else 'NO':>5} | "
            f"{cold[0]:>5} → {cold[1]:<5}| {warm[0]:>5} → {warm[1]:<5}| "
            f"{first[small][label]:>13.0f} | {first[large][label]:>13.0f} |"
            f" {edited[small][label]:>12.0f} | {edited[large][label]:>12.0f} |"
            + (f" {errors} errors" if errors else "")
        )


if __name__ == "__main__":
    main()
