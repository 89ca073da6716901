"""Approval emails and the hourly housekeeping (reminders, expiry)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.models import Membership
from commerce import sites
from commerce.approvals.models import ApprovalRequest
from commerce.approvals.services import approval_expire, record
from commerce.core.emails import send_templated_email

RETRY = {"autoretry_for": (ConnectionError, TimeoutError), "retry_backoff": True, "max_retries": 5}


def approver_emails(request: ApprovalRequest) -> list[str]:
    return list(
        Membership.objects.filter(
            company=request.company,
            role__in=[Membership.Role.ADMIN, Membership.Role.APPROVER],
            is_active=True,
            user__is_active=True,
            user__is_staff=False,  # staff never approve (accounts.policy)
        )
        .exclude(user_id=request.requested_by_id)
        .values_list("user__email", flat=True)
    )


def _url(request: ApprovalRequest) -> str:
    return sites.site_url(sites.PORTAL, "portal:approval-detail", pk=request.pk)


@shared_task(**RETRY)
def notify_approvers(request_id: int, reminder: bool = False) -> int:
    request = ApprovalRequest.objects.select_related("order", "company", "requested_by").get(
        pk=request_id
    )
    if not request.is_pending:
        return 0
    return send_templated_email(
        to=approver_emails(request),
        template="approval_requested",
        context={"request": request, "url": _url(request), "reminder": reminder},
    )


@shared_task(**RETRY)
def notify_requester(request_id: int) -> int:
    request = ApprovalRequest.objects.select_related("order", "company", "requested_by").get(
        pk=request_id
    )
    last = request.decisions.order_by("-created_at").first()
    return send_templated_email(
        to=[request.requested_by.email],
        template="approval_decided",
        context={
            "request": request,
            "comment": last.comment if last else "",
            "url": sites.site_url(sites.PORTAL, "portal:order-detail", number=request.order.number),
        },
    )


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
        ApprovalRequest.objects.filter(pk=request.pk).update(last_reminded_at=now)
        record(
            company=request.company,
            request=request,
            kind="reminded",
            message=f"Approvers reminded of order {request.order.number}",
        )
        notify_approvers.delay(request.pk, True)
        reminded += 1
    return {"expired": expired, "reminded": reminded}
