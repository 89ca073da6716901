"""Beat: collect the instalments due today; remind of those coming due."""

from celery import shared_task

from commerce.instalments import services


@shared_task(name="commerce.instalments.tasks.collect_due_instalments")
def collect_due_instalments() -> dict:
    result = services.instalments_collect()
    return {"paid": len(result.paid), "failed": len(result.failed)}


@shared_task(name="commerce.instalments.tasks.remind_instalments")
def remind_instalments() -> dict:
    return {"reminded": len(services.instalments_remind())}
