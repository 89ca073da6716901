"""The hourly approval housekeeping (reminders, expiry)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commerce.approvals import topics
from commerce.approvals.models import ApprovalRequest
from commerce.approvals.services import approval_expire, record
from commerce.outbox.services import outbox_emit


@shared_task
def approvals_housekeeping() -> dict:
    """Hourly: expire requests past their time; remind approvers of old ones."""
    now = timezone.now()
    expired = 0
    for request in ApprovalRequest.objects.filter(
        status=ApprovalRequest.Status.PENDING, expires_at__lte=now
    ):
        expired += approval_expire(request=request)
    due = now - timedelta(days=settings.APPROVAL_REMINDER_DAYS)
    reminded = 0
    stale = ApprovalRequest.objects.filter(
        status=ApprovalRequest.Status.PENDING, created_at__lte=due
    ).exclude(last_reminded_at__gt=due)
    for request in stale:
        with transaction.atomic():
            ApprovalRequest.objects.filter(pk=request.pk).update(last_reminded_at=now)
            record(
                company=request.company,
                household=request.household,
                request=request,
                kind="reminded",
                message=f"Approvers reminded of order {request.order.number}",
            )
            outbox_emit(
                topic=topics.NOTIFY_APPROVERS, payload={"request": request.pk, "reminder": True}
            )
        reminded += 1
    return {"expired": expired, "reminded": reminded}
