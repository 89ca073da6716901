"""Import jobs: upload -> validate (dry run) -> apply, each step a Celery task.

Progress goes to the cache (the apply step runs inside one transaction, so a
progress column would stay invisible until the end); results go to the row.

States: validating -> invalid | ready; ready -> applying -> done | failed.
A worker that dies mid-step leaves the job "validating" or "applying" with
nothing applied: the apply and its move to "done" commit in one transaction,
so a job still "applying" has changed nothing. Staff may then resume it
(``import_resume``): the step runs again, and runs at most once at a time
(the apply holds the job row locked), so the file is applied exactly once.
A failed job (nothing applied) may be restarted from validation.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from commerce.core.cache import cache
from commerce.imports import topics
from commerce.imports.base import (
    MAX_ERRORS_KEPT,
    REGISTRY,
    XLSX_SIGNATURE,
    FileProblem,
    FileRefused,
    Plan,
    RowsRefused,
    upload_check,
)
from commerce.imports.models import ImportJob
from commerce.outbox.services import outbox_emit
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

logger = logging.getLogger(__name__)
Status = ImportJob.Status
PROGRESS_EVERY = 500


class ImportNotReady(Exception):
    """Apply was asked for a job that is not validated and error-free."""


class ImportNotResumable(Exception):
    """Resume was asked for a job that is neither running nor failed."""


def progress_key(job_id: int) -> str:
    return f"import-progress-{job_id}"


def progress_of(job: ImportJob) -> int:
    """Rows processed so far in the running step."""
    if job.is_running:
        return int(cache.get(progress_key(job.pk), 0))
    return job.processed_rows


def _progress(job_id: int):
    state = {"done": 0, "reported": 0}

    def advance(n: int) -> None:
        state["done"] += n
        if state["done"] - state["reported"] >= PROGRESS_EVERY:
            state["reported"] = state["done"]
            cache.set(progress_key(job_id), state["done"], 3600)

    return advance, state


@transaction.atomic
def import_start(*, kind: str, uploaded_file, params: dict, actor) -> ImportJob:
    """Store the upload (privately) and queue its validation.

    A file over the size limit, or a workbook that would expand too far or
    declares XML entities, is refused here (``FileRefused``) and never stored.
    """
    if kind not in REGISTRY:
        raise ValueError(f"unknown import kind {kind!r}")
    upload_check(uploaded_file)
    job = ImportJob.objects.create(
        kind=kind,
        params=params,
        file=uploaded_file,
        filename=getattr(uploaded_file, "name", "upload.csv")[:255],
        created_by=actor,
    )
    outbox_emit(topic=topics.VALIDATE, payload={"job": job.pk})
    return job


def _read(job: ImportJob) -> bytes:
    gone = FileRefused(
        f"The uploaded file is no longer kept (files are deleted after "
        f"{settings.IMPORT_FILE_RETENTION_DAYS} days); upload it again."
    )
    if not job.file:
        raise gone
    try:
        if job.file.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise FileRefused("The file is larger than the import limit.")
        with job.file.open("rb") as fh:
            return fh.read()
    except FileNotFoundError as missing:
        raise gone from missing


def _plan(job: ImportJob, advance) -> Plan:
    """The importer's plan; a file it cannot read is one error. ``FileRefused`` goes up."""
    importer = REGISTRY[job.kind](**job.params)
    data = _read(job)
    try:
        return importer.validate(data, advance)
    except FileRefused:
        raise
    except FileProblem as problem:
        plan = Plan()
        plan.error(0, "", str(problem))
        return plan


def _finish_validation(job: ImportJob, plan: Plan) -> None:
    job.total_rows = plan.total_rows
    job.processed_rows = plan.total_rows
    job.errors = [e.as_dict() for e in plan.errors[:MAX_ERRORS_KEPT]]
    job.error_count = len(plan.errors)
    job.summary = plan.summary
    job.status = Status.READY if plan.ok else Status.INVALID
    job.save(
        update_fields=["total_rows", "processed_rows", "errors", "error_count", "summary", "status"]
    )


def _refuse(job: ImportJob, message: str) -> ImportJob:
    """End a job as failed with ``message`` and delete its file."""
    job.file.delete(save=False)
    job.status = Status.FAILED
    job.errors = [{"line": 0, "column": "", "message": message}]
    job.error_count = 1
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "errors", "error_count", "finished_at"])
    cache.delete(progress_key(job.pk))
    return job


def import_validate(job_id: int) -> ImportJob:
    """Dry run: read and check every row, change nothing.

    A refused file or an unexpected error ends the job as failed with a message:
    a job never stays "validating" because its file could not be read.
    """
    job = ImportJob.objects.get(pk=job_id)
    if job.status != Status.VALIDATING:
        return job
    try:
        data = _read(job)
        # For the progress bar only (a workbook's rows are counted once it is read).
        job.total_rows = 0 if data.startswith(XLSX_SIGNATURE) else max(0, data.count(b"\n") - 1)
        job.save(update_fields=["total_rows"])
        advance, _ = _progress(job.pk)
        plan = _plan(job, advance)
    except FileRefused as refusal:
        return _refuse(job, str(refusal))
    except Exception:  # anything else: report it on the job rather than leave it running
        logger.exception("Import job %s failed while validating", job.pk)
        return _refuse(job, "The file could not be read; nothing was imported.")
    _finish_validation(job, plan)
    cache.delete(progress_key(job.pk))
    return job


@transaction.atomic
def import_apply_start(*, job: ImportJob, actor) -> ImportJob:
    """Queue the apply step of a validated job (once, however often it is asked)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=Status.READY).update(
        status=Status.APPLYING
    )
    if not claimed:
        raise ImportNotReady("This import has errors, is running, or was already applied.")
    outbox_emit(topic=topics.APPLY, payload={"job": job.pk})
    job.refresh_from_db()
    return job


def _announce(job: ImportJob, result: dict) -> None:
    """Webhooks of an applied import, in its transaction (coarse: which import,
    what it changed; receivers read the details back)."""
    data = {"source": "import", "import": job.pk, "kind": job.kind, "summary": result}
    webhook_event(type=events.PRODUCT_UPDATED, data=data)
    if job.kind == "products":
        webhook_event(type=events.STOCK_CHANGED, data=data)


def import_apply(job_id: int) -> ImportJob:
    """Apply a validated job in one transaction; on any error nothing is applied.

    The file is validated again first: the data may have changed since the dry run.
    """
    job = ImportJob.objects.get(pk=job_id)
    if job.status != Status.APPLYING:
        return job
    advance, _ = _progress(job.pk)
    importer = REGISTRY[job.kind](**job.params)
    try:
        with transaction.atomic():
            # One apply at a time: a second delivery of the task (a resumed job,
            # a redelivered message) finds the row locked and leaves it alone.
            locked = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job.pk, status=Status.APPLYING)
                .first()
            )
            if locked is None:
                job.refresh_from_db()
                return job
            try:
                plan = _plan(job, lambda n: None)
            except FileRefused as refusal:
                return _refuse(job, str(refusal))
            if not plan.ok:
                _finish_validation(job, plan)
                return job
            result = importer.apply(plan, actor=job.created_by, progress=advance)
            _announce(job, result)
            # "done" commits with the rows it describes, or not at all.
            job.status = Status.DONE
            job.summary = {**job.summary, **result}
            job.processed_rows = plan.total_rows
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "summary", "processed_rows", "finished_at"])
    except RowsRefused as refused:  # rolled back: shown like validation errors
        plan.errors = refused.errors
        _finish_validation(job, plan)
        cache.delete(progress_key(job.pk))
        return job
    except Exception as exc:  # anything: the transaction rolled back, report it on the job
        logger.exception("Import job %s failed while applying", job.pk)
        job.status = Status.FAILED
        job.errors = [{"line": 0, "column": "", "message": f"Nothing was applied: {exc}"}]
        job.error_count = 1
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "errors", "error_count", "finished_at"])
        cache.delete(progress_key(job.pk))
        return job
    cache.delete(progress_key(job.pk))
    return job


def import_files_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of jobs older than ``IMPORT_FILE_RETENTION_DAYS`` (not running
    ones); the jobs and their results stay. Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    old = (
        ImportJob.objects.filter(created_at__lt=cutoff)
        .exclude(file="")
        .exclude(status__in=[Status.VALIDATING, Status.APPLYING])
    )
    deleted = 0
    for job in old.iterator():
        job.file.delete(save=False)
        job.save(update_fields=["file"])
        deleted += 1
    return deleted


def import_resume(*, job: ImportJob, actor) -> ImportJob:
    """Run a job's interrupted step again (its worker died), or restart a failed job.

    A job "validating" is validated again and a job "applying" applied again:
    both are safe to repeat, nothing of an interrupted apply was kept, and an
    apply still running elsewhere makes the repeated one a no-op. A failed job
    changed nothing, so it starts over from validation.
    """
    with transaction.atomic():
        try:
            job = ImportJob.objects.select_for_update(nowait=True).get(pk=job.pk)
        except DatabaseError as error:  # the row lock of an apply that is running
            raise ImportNotResumable(
                "This import is being applied right now; it needs no resuming."
            ) from error
        if job.status == Status.FAILED:
            job.status = Status.VALIDATING
            job.errors = []
            job.error_count = 0
            job.finished_at = None
            job.save(update_fields=["status", "errors", "error_count", "finished_at"])
        if job.status == Status.VALIDATING:
            topic = topics.VALIDATE
        elif job.status == Status.APPLYING:
            topic = topics.APPLY
        else:
            raise ImportNotResumable("Only a running or failed import can be resumed.")
        logger.info("Import job %s resumed (%s) by %s", job.pk, job.status, actor)
        # A resume may repeat an earlier row's topic: no dedupe key.
        outbox_emit(topic=topic, payload={"job": job.pk})
    return job
