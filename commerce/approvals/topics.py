"""Outbox topics of approval side effects (handled in ``approvals.handlers``)."""

NOTIFY_APPROVERS = "approvals.notify_approvers"
NOTIFY_REQUESTER = "approvals.notify_requester"
