"""Beat: collect the instalments due today."""

from celery import shared_task

from commerce.instalments import services


@shared_task(name="commerce.instalments.tasks.collect_due_instalments")
def collect_due_instalments() -> dict:
    result = services.instalments_collect()
    return {"paid": len(result.paid), "failed": len(result.failed)}
