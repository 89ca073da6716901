"""Fault fixtures: a private redis-server that tests may stop, restart or freeze.

Never the shared Redis: each test gets its own server on a free port, without
persistence, in a temporary directory. Without ``redis-server`` on PATH the
tests that need it are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own: ``url``, ``stop()``, ``start()``, ``freeze()``, ``thaw()``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert self.process is None, "already running"
        self.process = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Gone: connections are refused (and, without persistence, the data is lost)."""
        if self.process is None:
            return
        self.thaw()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def freeze(self) -> None:
        """Unresponsive but keeping its data: connections hang until the timeout."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)


@pytest.fixture
def private_redis(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt install redis-server)")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(settings, private_redis):
    """The default cache on the private Redis, failing soft (as in production),
    with sessions and users' access read through it (as with ``REDIS_URL``)."""
    settings.SESSION_ENGINE = "commerce.core.sessions"
    settings.ACCESS_SNAPSHOTS = True
    settings.CACHES = {
        "default": {
            "BACKEND": "commerce.core.cache.FailSoftRedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
                "DOWN_SECONDS": 0.5,
            },
        }
    }
    return private_redis
