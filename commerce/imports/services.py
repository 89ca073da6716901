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

import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from commerce.imports.base import MAX_ERRORS_KEPT, REGISTRY, XLSX_SIGNATURE, FileProblem, Plan
from commerce.imports.models import ImportJob

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


def import_start(*, kind: str, uploaded_file, params: dict, actor) -> ImportJob:
    """Store the upload and queue its validation."""
    if kind not in REGISTRY:
        raise ValueError(f"unknown import kind {kind!r}")
    job = ImportJob.objects.create(
        kind=kind,
        params=params,
        file=uploaded_file,
        filename=getattr(uploaded_file, "name", "upload.csv")[:255],
        created_by=actor,
    )
    from commerce.imports import tasks

    transaction.on_commit(lambda: tasks.validate_import.delay(job.pk))
    return job


def _plan(job: ImportJob, advance) -> Plan:
    importer = REGISTRY[job.kind](**job.params)
    with job.file.open("rb") as fh:
        data = fh.read()
    try:
        return importer.validate(data, advance)
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


def import_validate(job_id: int) -> ImportJob:
    """Dry run: read and check every row, change nothing."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != Status.VALIDATING:
        return job
    with job.file.open("rb") as fh:
        data = fh.read()
    # For the progress bar only (a workbook's rows are counted once it is read).
    job.total_rows = 0 if data.startswith(XLSX_SIGNATURE) else max(0, data.count(b"\n") - 1)
    job.save(update_fields=["total_rows"])
    advance, _ = _progress(job.pk)
    _finish_validation(job, _plan(job, advance))
    cache.delete(progress_key(job.pk))
    return job


def import_apply_start(*, job: ImportJob, actor) -> ImportJob:
    """Queue the apply step of a validated job (once, however often it is asked)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=Status.READY).update(
        status=Status.APPLYING
    )
    if not claimed:
        raise ImportNotReady("This import has errors, is running, or was already applied.")
    from commerce.imports import tasks

    transaction.on_commit(lambda: tasks.apply_import.delay(job.pk))
    job.refresh_from_db()
    return job


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
            plan = _plan(job, lambda n: None)
            if not plan.ok:
                _finish_validation(job, plan)
                return job
            result = importer.apply(plan, actor=job.created_by, progress=advance)
            # "done" commits with the rows it describes, or not at all.
            job.status = Status.DONE
            job.summary = {**job.summary, **result}
            job.processed_rows = plan.total_rows
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "summary", "processed_rows", "finished_at"])
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


def import_resume(*, job: ImportJob, actor) -> ImportJob:
    """Run a job's interrupted step again (its worker died), or restart a failed job.

    A job "validating" is validated again and a job "applying" applied again:
    both are safe to repeat, nothing of an interrupted apply was kept, and an
    apply still running elsewhere makes the repeated one a no-op. A failed job
    changed nothing, so it starts over from validation.
    """
    from commerce.imports import tasks

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
            step = tasks.validate_import
        elif job.status == Status.APPLYING:
            step = tasks.apply_import
        else:
            raise ImportNotResumable("Only a running or failed import can be resumed.")
        logger.info("Import job %s resumed (%s) by %s", job.pk, job.status, actor)
        transaction.on_commit(lambda: step.delay(job.pk))
    return job
