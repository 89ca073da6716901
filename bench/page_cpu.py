"""Benchmark: what a request of each paired page costs in process, without HTTP.

    python bench/page_cpu.py [--products 10000] [--rounds 20] [--requests 100]
    python bench/page_cpu.py --instructions [--requests 200]     (needs valgrind)

``bench/pages.py`` measures pages under gunicorn with the load generator on the
same machine; its portal / storefront ratios move by as much as 0.1 from round
to round with the machine's speed. This one measures what those ratios are made
of: it seeds the same database with ``bench/pages.py``'s setup (same pages, same
buyer), starts a private redis-server and the outbox relay (the listing price
maps), and serves each page of ``bench/pages.py``'s PAIRS through Django's WSGI
handler in this process, every page cached as it is under load. It prints the
CPU time per request (process time over rounds of ``--requests`` requests, the
pages alternating round by round: the least round and the median) and the
storefront / portal ratio of each pair.

``--instructions`` runs each page's requests in a child process under valgrind's
callgrind, counting the machine instructions they execute (warm-up excluded): a
figure that does not move with the machine's speed. Neither the Redis server's
work nor the kernel's is in it.
"""

from __future__ import annotations

import argparse
import collections
import io
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchdb

benchdb.configure()
ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 30


def page_targets(info: dict) -> dict[str, tuple[str, str, dict]]:
    """label -> (host, path, cookies) of every page in a pair."""
    import pages

    targets = {
        label: (host, path, cookies) for label, host, path, cookies in pages.pages(info, False)
    }
    wanted = [name for pair in pages.PAIRS.items() for name in pair]
    return {label: targets[label] for label in wanted}


class Page:
    """One page served through the WSGI handler, as a browser would ask for it."""

    def __init__(self, handler, host: str, path: str, cookies: dict):
        self.handler = handler
        self.environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "REMOTE_ADDR": "127.0.0.1",
            "SCRIPT_NAME": "",
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        if "?" in path:
            self.environ["PATH_INFO"], self.environ["QUERY_STRING"] = path.split("?", 1)

    def get(self, query: str = "") -> bytes:
        environ = dict(self.environ, **{"wsgi.input": io.BytesIO(b"")})
        if query:
            environ["QUERY_STRING"] = query
        status = []
        response = self.handler(environ, lambda s, h: status.append(s))
        try:
            body = b"".join(response)
        finally:
            response.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{environ['PATH_INFO']}: {status[0]}")
        return body


def serve(targets: dict) -> dict[str, Page]:
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    return {label: Page(handler, *target) for label, target in targets.items()}


def wait_for_price_maps(pages_by_label: dict[str, Page], timeout: float = 600.0) -> None:
    """Until every listing shows its price facet (the relay builds the price maps)."""
    for label, page in pages_by_label.items():
        if "product page" in label:
            continue
        started, n = time.monotonic(), 0
        while b'data-facet="price">' not in page.get(f"ready={n}"):
            n += 1
            if time.monotonic() - started > timeout:
                raise SystemExit(f"{label}: no price map after {timeout:.0f} s")
            time.sleep(0.5)
        print(f"{label}: price map ready after {time.monotonic() - started:.1f} s", flush=True)


def cpu(args, pages_by_label: dict[str, Page]) -> None:
    import pages

    for page in pages_by_label.values():
        for _ in range(WARM_UP):
            page.get()
    results: dict[str, list[float]] = collections.defaultdict(list)
    labels = list(pages_by_label)
    for round_ in range(args.rounds):
        for label in labels if round_ % 2 == 0 else reversed(labels):
            page = pages_by_label[label]
            started = time.process_time()
            for _ in range(args.requests):
                page.get()
            results[label].append((time.process_time() - started) / args.requests * 1000)
    print(
        f"\nCPU per request, in process ({args.rounds} rounds of {args.requests} "
        "requests, pages alternating)\n"
    )
    print(f"| {'page':<40} | {'least ms':>8} | {'median ms':>9} |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 11}|")
    for label, runs in results.items():
        print(f"| {label:<40} | {min(runs):>8.3f} | {statistics.median(runs):>9.3f} |")
    print("\nstorefront / portal (least, median):")
    for portal, storefront in pages.PAIRS.items():
        a, b = results[storefront], results[portal]
        least = min(a) / min(b)
        median = statistics.median(a) / statistics.median(b)
        print(f"  {portal}: {least:.3f}, {median:.3f}")


def instructions(args, info: dict, redis_url: str) -> None:
    import pages

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    scratch = tempfile.mkdtemp(prefix="bench-callgrind-")
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "PYTHONHASHSEED": "0",
        "BENCH_PAGE_INFO": json.dumps(info),
    }
    counts: dict[str, float] = {}
    labels = list(page_targets(info))
    for start in range(0, len(labels), 2):  # two children at a time (two cores)
        children = {}
        for label in labels[start : start + 2]:
            log = Path(scratch) / f"{len(children)}-{start}.log"
            command = [
                valgrind,
                "--tool=callgrind",
                "--cache-sim=no",
                "--toggle-collect=starmap_next",
                f"--callgrind-out-file={log.with_suffix('.out')}",
                sys.executable,
                __file__,
                "--child",
                label,
                "--requests",
                str(args.requests),
            ]
            handle = log.open("w")
            process = subprocess.Popen(command, env=env, stdout=handle, stderr=handle)  # noqa: S603
            children[label] = (process, log)
        for label, (child, log) in children.items():
            if child.wait() != 0:
                raise SystemExit(f"{label}: the child failed, see {log}")
            found = re.search(r"Collected : (\d+)", log.read_text())
            counts[label] = int(found.group(1)) / args.requests
            print(f"{label}: {counts[label]:,.0f} instructions per request", flush=True)
    print("\nstorefront / portal, instructions per request:")
    for portal, storefront in pages.PAIRS.items():
        print(f"  {portal}: {counts[storefront] / counts[portal]:.3f}")
    shutil.rmtree(scratch, ignore_errors=True)


def child(args) -> None:
    """Under callgrind: warm the page up, then serve it ``--requests`` times inside
    ``itertools.starmap`` (whose C function switches the counting on)."""
    import django

    django.setup()
    info = json.loads(os.environ["BENCH_PAGE_INFO"])
    page = serve({args.child: page_targets(info)[args.child]})[args.child]
    for _ in range(WARM_UP):
        page.get()
    collections.deque(itertools.starmap(page.get, itertools.repeat((), args.requests)), maxlen=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    if args.child:
        child(args)
        return
    import pages

    scratch = tempfile.mkdtemp(prefix="bench-redis-")
    redis_server, redis_url = pages.start_redis(scratch)
    os.environ["REDIS_URL"] = redis_url
    relay = None
    try:
        info = pages.setup(args.products)
        relay = pages.start_relay(redis_url, os.environ["DATABASE_URL"])
        pages_by_label = serve(page_targets(info))
        wait_for_price_maps(pages_by_label)
        if args.instructions:
            instructions(args, info, redis_url)
        else:
            cpu(args, pages_by_label)
    finally:
        if relay is not None:
            relay.terminate()
            relay.wait(timeout=60)
        redis_server.terminate()
        redis_server.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
