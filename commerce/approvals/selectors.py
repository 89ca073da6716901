"""Read-only queries about approval requests: the one inbox for the portal
page and the API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from commerce.approvals.models import ApprovalDecision, ApprovalRequest


def _requests(status: str | None, **owner) -> QuerySet:
    """Approval requests of one owner (a company or a household), newest first
    (only ``status`` when given), with their order, requester and decisions."""
    requests = (
        ApprovalRequest.objects.filter(**owner)
        .select_related("order", "requested_by", *owner)
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=ApprovalDecision.objects.select_related("approver").order_by("pk"),
            )
        )
        .order_by("-created_at", "-pk")
    )
    return requests if status is None else requests.filter(status=status)


def approvals_of(company, *, status: str | None = None) -> QuerySet:
    """``company``'s approval requests, newest first (only ``status`` when given),
    with their order, requester and decisions."""
    return _requests(status, company=company)


def household_approvals(household, *, status: str | None = None) -> QuerySet:
    """The approval requests of ``household``'s members' orders (for its owner),
    newest first, with their order, requester and decisions."""
    return _requests(status, household=household)
