"""A Celery worker killed in the middle of an import apply: the task is delivered
again and the import is applied exactly once, within a minute.

Real processes: a private redis-server as the broker, ``celery worker``
subprocesses on the test database (committed data, PostgreSQL), SIGKILL.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from oscar.core.loading import get_model

from commerce.imports.models import ImportJob
from tests import factories

Product = get_model("catalogue", "Product")
ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
ROWS = 50

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Workers:
    """Starts ``celery worker`` processes on the private broker and the test database."""

    def __init__(self, broker_url: str, directory: Path) -> None:
        self.directory = directory
        self.trace = directory / "trace.log"
        self.trace.touch()
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
                f"/{db['NAME']}"
            ),
            "REDIS_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            # Short enough for a test: an unacknowledged task is delivered again
            # 10 s after its worker vanished.
            "CELERY_VISIBILITY_TIMEOUT": "10",
            "CELERY_UNACKED_RESTORE_INTERVAL": "2",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "CELERY_TASK_TIME_LIMIT": "9",
            "CELERY_TASK_SOFT_TIME_LIMIT": "8",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "FAULT_TRACE_FILE": str(self.trace),
            "PYTHONPATH": str(ROOT),
        }
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        log = open(self.directory / f"worker-{len(self.processes)}.log", "w")
        process = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
            [
                str(CELERY),
                "-A",
                "commerce",
                "worker",
                "-I",
                "tests.faults.worker_hooks",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "info",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool processes: no warm shutdown, no ack."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)

    def events(self) -> list[tuple[str, int]]:
        return [
            (event, int(pid))
            for event, pid in (line.split() for line in self.trace.read_text().splitlines())
        ]

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in sorted(self.directory.glob("*.log")))


@pytest.fixture
def workers(transactional_db, private_redis, tmp_path):
    pool = Workers(private_redis.url, tmp_path)
    yield pool
    pool.stop_all()


@pytest.fixture
def job(transactional_db):
    """A validated product import of ROWS new products, claimed for applying."""
    factories.ProductClassFactory(name="Tools", slug="tools")
    rows = "".join(f"K-{n:03d},Kit {n},Tools\n" for n in range(ROWS))
    return ImportJob.objects.create(
        kind="products",
        params={},
        file=ContentFile(f"sku,title,product_class\n{rows}".encode(), name="kits.csv"),
        filename="kits.csv",
        status=ImportJob.Status.APPLYING,
        total_rows=ROWS,
    )


def send_apply(broker_url: str, job: ImportJob) -> None:
    sender = Celery(broker=broker_url)
    sender.send_task(
        "commerce.imports.tasks.apply_import",
        args=[job.pk],
        queue=settings.CELERY_TASK_DEFAULT_QUEUE,
    )
    sender.close()


def wait_for(condition, timeout: float, what: str, workers: Workers):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout} s\n{workers.logs()}")


def test_a_killed_worker_is_replaced_and_the_import_applies_exactly_once(
    workers, job, private_redis
):
    first = workers.start()
    send_apply(private_redis.url, job)
    wait_for(lambda: workers.events(), 45, "the apply did not start", workers)
    time.sleep(1)  # rows written inside the apply's transaction, not committed

    workers.kill(first)
    killed_at = time.monotonic()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLYING
    assert not Product.objects.filter(upc__startswith="K-").exists()  # nothing applied

    workers.start()
    wait_for(
        lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE,
        60,
        "the import was not applied",
        workers,
    )
    assert time.monotonic() - killed_at < 60
    job.refresh_from_db()
    assert job.summary["products_created"] == ROWS
    assert Product.objects.filter(upc__startswith="K-").count() == ROWS
    assert [event for event, _pid in workers.events()] == ["started", "started", "committed"]


def test_a_killed_pool_process_hands_its_task_back_at_once(workers, job, private_redis):
    workers.start()
    send_apply(private_redis.url, job)
    [(_event, pool_pid)] = wait_for(
        lambda: workers.events(), 45, "the apply did not start", workers
    )
    time.sleep(1)

    os.kill(pool_pid, signal.SIGKILL)  # the worker lives on; its pool process dies
    killed_at = time.monotonic()

    wait_for(
        lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE,
        30,
        "the task was not delivered again",
        workers,
    )
    # Well before the visibility timeout: reject-on-worker-lost requeued it.
    assert time.monotonic() - killed_at < 10 + 5
    assert Product.objects.filter(upc__startswith="K-").count() == ROWS
    events = workers.events()
    assert [event for event, _pid in events] == ["started", "started", "committed"]
    assert events[1][1] != pool_pid
