"""Approval emails, delivered from the outbox (once per outbox row)."""

from __future__ import annotations

from accounts import policy
from commerce import sites
from commerce.approvals import topics
from commerce.approvals.models import ApprovalRequest
from commerce.core.emails import send_templated_email
from commerce.outbox.registry import register
from commerce.outbox.services import effect_once


def approver_emails(request: ApprovalRequest) -> list[str]:
    if request.household_id is not None:
        return [request.household.owner.email]
    return list(
        policy.members_who_may(request.company, policy.Action.APPROVE_ORDERS)
        .filter(user__is_staff=False)  # staff never approve (accounts.policy)
        .exclude(user_id=request.requested_by_id)
        .values_list("user__email", flat=True)
    )


def _url(request: ApprovalRequest) -> str:
    if request.household_id is not None:
        return sites.site_url(sites.STOREFRONT, "storefront:household")
    return sites.site_url(sites.PORTAL, "portal:approval-detail", pk=request.pk)


def _order_url(request: ApprovalRequest) -> str:
    if request.household_id is not None:
        return sites.site_url(sites.STOREFRONT, "customer:order", order_number=request.order.number)
    return sites.site_url(sites.PORTAL, "portal:order-detail", number=request.order.number)


def notify_approvers(request_id: int, reminder: bool = False) -> int:
    request = ApprovalRequest.objects.select_related(
        "order", "company", "household__owner", "requested_by"
    ).get(pk=request_id)
    if not request.is_pending:
        return 0
    return send_templated_email(
        to=approver_emails(request),
        template="approval_requested",
        context={"request": request, "url": _url(request), "reminder": reminder},
    )


def notify_requester(request_id: int) -> int:
    request = ApprovalRequest.objects.select_related(
        "order", "company", "household__owner", "requested_by"
    ).get(pk=request_id)
    last = request.decisions.order_by("-created_at").first()
    return send_templated_email(
        to=[request.requested_by.email],
        template="approval_decided",
        context={
            "request": request,
            "comment": last.comment if last else "",
            "url": _order_url(request),
        },
    )


@register(topics.NOTIFY_APPROVERS)
def _notify_approvers(message) -> None:
    payload = message.payload
    effect_once(
        message, lambda: notify_approvers(payload["request"], payload.get("reminder", False))
    )


@register(topics.NOTIFY_REQUESTER)
def _notify_requester(message) -> None:
    effect_once(message, lambda: notify_requester(message.payload["request"]))
