"""Benchmark: the product import at 100,000 rows and the price-list import at
1,000,000 entries, through the import framework (checked, then applied).

    python bench/imports.py [--products 100000] [--entries 1000000]

Each import runs in a fresh process (so its peak RSS is its own): it writes the
CSV file, starts the job, validates it and applies it exactly as the dashboard
does (``commerce.imports.services``), and prints the seconds of each step, the
rows per second and the process's peak RSS (``resource.getrusage``). Then it
applies the same file again (an idempotent re-apply: nothing changes), and
prints the load average before and after (the machine may be shared). Runs
against BENCH_DATABASE_URL (default ``commerce_bench``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchdb

benchdb.configure()
os.environ.setdefault("IMPORT_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024))
HERE = Path(__file__).resolve().parent


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _products_file(path: str, count: int) -> None:
    from oscar.core.loading import get_model

    Category = get_model("catalogue", "Category")
    leaf = Category.objects.filter(numchild=0).order_by("path").first()
    category = leaf.full_name if leaf else ""
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["sku", "title", "product_class", "description", "categories"])
        for i in range(count):
            writer.writerow(
                [
                    f"IMP-{i:07d}",
                    f"Imported part {i}",
                    "Standard",
                    f"Imported part number {i}.",
                    category,
                ]
            )


def _prices_file(path: str, entries: int) -> None:
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    skus = list(
        Product.objects.filter(upc__startswith="IMP-")
        .order_by("upc")[:100_000]
        .values_list("upc", flat=True)
    )
    breaks = max(1, -(-entries // len(skus)))
    written = 0
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["sku", "min_quantity", "unit_price"])
        for step in range(breaks):
            for n, sku in enumerate(skus):
                if written >= entries:
                    return
                writer.writerow([sku, 1 + step * 10, f"{50 - step - (n % 40) / 10:.2f}"])
                written += 1


def run_one(kind: str, rows: int) -> dict:
    """In this process: write the file, start, validate and apply (twice)."""
    benchdb.setup_django()
    from django.core.files import File
    from oscar.core.loading import get_model

    from commerce.demo.catalog import ensure_categories
    from commerce.demo.people import Person, ensure_user
    from commerce.imports import services
    from pricing import imports as _price_imports  # noqa: F401  (registers the importer)

    ProductClass = get_model("catalogue", "ProductClass")
    PriceList = get_model("partner", "PriceList")
    ensure_categories()
    ProductClass.objects.get_or_create(slug="standard", defaults={"name": "Standard"})
    actor = ensure_user(Person("bench.imports@example.com", "Bench", "Imports"))
    scratch = tempfile.mkdtemp(prefix="bench-imports-")
    path = os.path.join(scratch, f"{kind}.csv")
    started = time.monotonic()
    if kind == "products":
        _products_file(path, rows)
        params = {}
    else:
        _prices_file(path, rows)
        price_list, _ = PriceList.objects.get_or_create(
            code="bench-import-list", defaults={"name": "Bench import list", "kind": "tier"}
        )
        params = {"price_list_id": price_list.pk, "mode": "replace"}
    figures = {"kind": kind, "rows": rows, "file_mb": os.path.getsize(path) / 2**20}
    figures["write_file_s"] = time.monotonic() - started
    for attempt in ("first", "again"):
        started = time.monotonic()  # without a worker the check runs inside import_start
        with open(path, "rb") as fh:
            job = services.import_start(
                kind="products" if kind == "products" else "price_list",
                uploaded_file=File(fh, name=f"{kind}.csv"),
                params=params,
                actor=actor,
            )
        job = services.import_validate(job.pk)
        figures[f"{attempt}_validate_s"] = time.monotonic() - started
        if job.status != job.Status.READY:
            raise SystemExit(f"{kind}: validation ended {job.status}: {job.errors[:3]}")
        started = time.monotonic()
        services.import_apply_start(job=job, actor=actor)
        job = services.import_apply(job.pk)
        figures[f"{attempt}_apply_s"] = time.monotonic() - started
        if job.status != job.Status.DONE:
            raise SystemExit(f"{kind}: apply ended {job.status}: {job.errors[:3]}")
        figures[f"{attempt}_summary"] = job.summary
    figures["peak_rss_mb"] = _peak_mb()
    os.remove(path)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--one", choices=["products", "prices"])
    parser.add_argument("--rows", type=int)
    args = parser.parse_args()
    if args.one:
        print("RESULT " + json.dumps(run_one(args.one, args.rows), default=str), flush=True)
        return
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    results = []
    for kind, rows in (("products", args.products), ("prices", args.entries)):
        out = subprocess.run(  # noqa: S603 - this script, in a fresh process
            [sys.executable, str(HERE / "imports.py"), "--one", kind, "--rows", str(rows)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        line = next(line for line in out.splitlines() if line.startswith("RESULT "))
        results.append(json.loads(line[len("RESULT ") :]))
    print(
        "\n| import | rows | file MB | validate s | apply s | total s | rows/s | "
        "re-apply s | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        total = r["first_validate_s"] + r["first_apply_s"]
        again = r["again_validate_s"] + r["again_apply_s"]
        print(
            f"| {r['kind']} | {r['rows']:,} | {r['file_mb']:.1f} | {r['first_validate_s']:.1f} | "
            f"{r['first_apply_s']:.1f} | {total:.1f} | {r['rows'] / total:,.0f} | {again:.1f} | "
            f"{r['peak_rss_mb']:.0f} |"
        )
    for r in results:
        print(f"{r['kind']}: first {r['first_summary']}; again {r['again_summary']}")
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
