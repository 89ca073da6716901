"""Loaded into a test's Celery worker (``celery worker -I tests.faults.worker_hooks``).

A product import's apply pauses after writing its rows, still inside its
transaction, and each attempt leaves a line in ``FAULT_TRACE_FILE``: a test can
kill the worker at that moment and count how often the apply started and
committed.
"""

import os
import time

from django.db import transaction

from catalog.imports import ProductImporter

TRACE_FILE = os.environ["FAULT_TRACE_FILE"]
PAUSE = float(os.environ.get("FAULT_APPLY_PAUSE", "4"))
_apply = ProductImporter.apply


def trace(event: str) -> None:
    with open(TRACE_FILE, "a") as fh:
        fh.write(f"{event} {os.getpid()}\n")


def paused_apply(self, plan, *, actor, progress):
    trace("started")
    result = _apply(self, plan, actor=actor, progress=progress)
    transaction.on_commit(lambda: trace("committed"))
    time.sleep(PAUSE)  # the rows are written, not committed
    return result


ProductImporter.apply = paused_apply
