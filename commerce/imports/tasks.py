from celery import shared_task

from commerce.imports import services


@shared_task
def validate_import(job_id: int) -> str:
    return services.import_validate(job_id).status


@shared_task
def apply_import(job_id: int) -> str:
    return services.import_apply(job_id).status


@shared_task
def purge_import_files() -> int:
    return services.import_files_purge()
