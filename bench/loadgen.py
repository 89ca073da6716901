"""A small HTTP load generator (no external tool needed): processes x threads,
each thread one connection looping GETs of one URL for a fixed time (``{n}`` in
the path becomes a number unique to the request, to measure uncached pages).

    result = run(port, host, path, cookies, seconds=5, processes=2, connections=8)
    result.rate, result.p50_ms, result.errors
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _thread(port, host, path, headers, until, out):
    done, errors, latencies = 0, 0, []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    unique = "{n}" in path  # a different URL per request: never a cache hit
    # Thread idents repeat across runs and processes: the token keeps every run's
    # URLs new (an earlier round's URL would be a cache hit).
    token = f"{os.getpid()}-{threading.get_ident()}-{time.time_ns()}"
    while time.monotonic() < until:
        start = time.perf_counter()
        target = path.replace("{n}", f"{token}-{done + errors}") if unique else path
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
            else:
                done += 1
                latencies.append(time.perf_counter() - start)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
    connection.close()
    out.append((done, errors, latencies))


def _process(port, host, path, cookies, seconds, connections, queue):
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    headers = {"Host": host, **({"Cookie": cookie} if cookie else {})}
    until = time.monotonic() + seconds
    out: list = []
    threads = [
        threading.Thread(target=_thread, args=(port, host, path, headers, until, out))
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = sum(o[0] for o in out)
    errors = sum(o[1] for o in out)
    latencies = [lat for o in out for lat in o[2]]
    queue.put((done, errors, latencies))


def run(port, host, path, cookies, *, seconds, processes, connections) -> Result:
    queue = multiprocessing.Queue()
    per_process = max(1, connections // processes)
    started = time.monotonic()
    workers = [
        multiprocessing.Process(
            target=_process, args=(port, host, path, cookies, seconds, per_process, queue)
        )
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    parts = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = max(time.monotonic() - started, seconds)
    latencies = sorted(lat for part in parts for lat in part[2]) or [0.0]
    return Result(
        requests=sum(p[0] for p in parts),
        errors=sum(p[1] for p in parts),
        seconds=min(elapsed, seconds),
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=latencies[int(len(latencies) * 0.95) - 1 if len(latencies) > 1 else 0] * 1000,
    )
