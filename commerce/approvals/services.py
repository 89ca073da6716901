"""Purchase approval use cases.

Rules enforced here:
* a requester never approves their own order, whatever their role;
* only members whose role may approve (admin, approver) decide;
* a request is decided once: the request row is locked, so when two approvers
  act at the same moment exactly one decision wins;
* above a rule's second threshold two different approvers must approve;
* an expired request cannot be approved; rejection, cancellation and expiry
  release the order's stock and credit (through the order's status change).
Every step writes an ``ApprovalEvent``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from accounts import policy
from accounts.models import Membership
from commerce.approvals import topics
from commerce.approvals.exceptions import AlreadyDecided, ApprovalExpired, InvalidRule, NotApprover
from commerce.approvals.models import ApprovalDecision, ApprovalEvent, ApprovalRequest, ApprovalRule
from commerce.approvals.rules import Evaluation
from commerce.core.locks import lock_order, retry_on_conflict
from commerce.order import status as order_status
from commerce.outbox.services import outbox_emit
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

Order = get_model("order", "Order")
Status = ApprovalRequest.Status
Kind = ApprovalRule.Kind


def record(
    *, company, kind: str, message: str, actor=None, request=None, data=None, household=None
) -> ApprovalEvent:
    if request is not None and company is None and household is None:
        household = request.household
    return ApprovalEvent.objects.create(
        company=company,
        household=household,
        request=request,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        message=message,
        data=data or {},
    )


# --- requests -----------------------------------------------------------------------------


def approval_request_create(
    *, order, requester, evaluation: Evaluation, household=None
) -> ApprovalRequest:
    """Open the approval request of an order placed as Pending approval (inside
    the order's transaction): for its company's approvers, or for the owner of
    ``household`` (a member's storefront order over budget)."""
    request = ApprovalRequest.objects.create(
        order=order,
        company=order.company if household is None else None,
        household=household,
        requested_by=requester,
        approvals_required=evaluation.approvals_required,
        reasons=[m.as_dict() for m in evaluation.matches],
        expires_at=timezone.now() + timedelta(days=settings.APPROVAL_EXPIRY_DAYS),
    )
    record(
        company=request.company,
        request=request,
        actor=requester,
        kind="requested",
        message=f"Order {order.number} needs approval: {evaluation.summary}",
        data={"approvals_required": request.approvals_required},
    )
    outbox_emit(topic=topics.NOTIFY_APPROVERS, payload={"request": request.pk})
    return request


def approval_request_lock(order) -> ApprovalRequest | None:
    """Step 5 of the lock order: the order's approval request, if it has one
    (the caller holds the order's lock, step 4)."""
    return ApprovalRequest.objects.select_for_update(of=("self",)).filter(order_id=order.pk).first()


def approval_request_renew(
    *, order, request: ApprovalRequest | None, requester, evaluation: Evaluation, actor, why: str
) -> ApprovalRequest:
    """An edited order waits for its approvers again: its request (locked by
    ``approval_request_lock``) is opened anew with the rules the edited order
    matches, or created when it had none. Decisions given before the edit no
    longer count (they stay in the request's events); approvers are told again."""
    if request is None:
        return approval_request_create(order=order, requester=requester, evaluation=evaluation)
    earlier = list(request.decisions.values_list("approver__email", "decision"))
    request.decisions.all().delete()
    request.status = Status.PENDING
    request.decided_at = None
    if evaluation.required:
        request.reasons = [m.as_dict() for m in evaluation.matches]
        request.approvals_required = evaluation.approvals_required
    request.expires_at = timezone.now() + timedelta(days=settings.APPROVAL_EXPIRY_DAYS)
    request.save(
        update_fields=["status", "decided_at", "reasons", "approvals_required", "expires_at"]
    )
    record(
        company=order.company,
        request=request,
        actor=actor,
        kind="requested",
        message=f"Order {order.number} was edited and needs approval again: {why}",
        data={
            "approvals_required": request.approvals_required,
            "earlier_decisions": [{"approver": e, "decision": d} for e, d in earlier],
        },
    )
    outbox_emit(topic=topics.NOTIFY_APPROVERS, payload={"request": request.pk})
    return request


def _locked(request: ApprovalRequest) -> ApprovalRequest:
    """Lock order: the order (step 4), then its approval request (step 5)."""
    order_id = ApprovalRequest.objects.values_list("order_id", flat=True).get(pk=request.pk)
    lock_order(Order(pk=order_id))
    return (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("order", "company", "household")
        .get(pk=request.pk)
    )


def _approver_membership(request: ApprovalRequest, approver) -> Membership | None:
    if approver.pk == request.requested_by_id:
        raise NotApprover("You cannot approve or reject your own order.")
    if request.household_id is not None:
        if request.household.owner_id != approver.pk:
            raise NotApprover("Only the household's owner approves its members' orders.")
        return None
    membership = (
        Membership.objects.select_related("company", "user")
        .filter(company=request.company, user=approver)
        .first()
    )
    reason = policy.denial_reason(membership, policy.Action.APPROVE_ORDERS)
    if reason is not None:
        raise NotApprover(reason)
    return membership


def _expire_if_due(request: ApprovalRequest) -> bool:
    if request.is_pending and request.expires_at <= timezone.now():
        _close(request, Status.EXPIRED, actor=None, comment="no decision in time")
        return True
    return False


def _close(request: ApprovalRequest, status: str, *, actor, comment: str) -> None:
    from commerce.fulfilment.transitions import order_set_status

    request.status = status
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    order_target = {
        Status.APPROVED: order_status.PLACED,
        Status.REJECTED: order_status.REJECTED,
        Status.CANCELLED: order_status.CANCELLED,
        Status.EXPIRED: order_status.CANCELLED,
    }[status]
    order_set_status(
        order=request.order, status=order_target, actor=actor, note=comment, by_approval=True
    )
    record(
        company=request.company,
        request=request,
        actor=actor,
        kind=status,
        message=f"Order {request.order.number} {status}" + (f": {comment}" if comment else ""),
    )
    outbox_emit(topic=topics.NOTIFY_REQUESTER, payload={"request": request.pk})
    webhook_event(
        type=events.APPROVAL_DECIDED,
        data={
            "request": request.pk,
            "order": request.order.number,
            "company": request.company_id,
            "status": status,
            "decided_by": actor.email if actor is not None else None,
            "comment": comment,
        },
    )


def approval_decide(
    *, request: ApprovalRequest, approver, decision: str, comment: str = ""
) -> ApprovalRequest:
    """Approve or reject (with a comment). Raises a named error if not allowed."""
    if approval_expire(request=request):  # committed on its own: expiry stands either way
        raise ApprovalExpired(f"The approval request for order {request.order.number} has expired.")
    return _decide_locked(request, approver, decision, comment)


@retry_on_conflict
def _decide_locked(request, approver, decision: str, comment: str) -> ApprovalRequest:
    with transaction.atomic():
        return _decide(request, approver, decision, comment)


def _decide(request: ApprovalRequest, approver, decision: str, comment: str) -> ApprovalRequest:
    request = _locked(request)
    if decision not in ApprovalDecision.Decision.values:
        raise InvalidRule("Decide 'approve' or 'reject'.")
    _approver_membership(request, approver)
    if not request.is_pending:
        raise AlreadyDecided(
            f"Order {request.order.number} was already {request.get_status_display().lower()}."
        )
    if request.decisions.filter(approver=approver).exists():
        raise AlreadyDecided("You have already approved this order; it needs another approver.")
    comment = comment.strip()
    if decision == ApprovalDecision.Decision.REJECT and not comment:
        raise InvalidRule("Say why you reject the order; the buyer will see it.")
    ApprovalDecision.objects.create(
        request=request, approver=approver, decision=decision, comment=comment
    )
    record(
        company=request.company,
        request=request,
        actor=approver,
        kind=f"decision_{decision}",
        message=f"{approver.email} {'approved' if decision == 'approve' else 'rejected'} order "
        f"{request.order.number}" + (f": {comment}" if comment else ""),
    )
    if decision == ApprovalDecision.Decision.REJECT:
        _close(request, Status.REJECTED, actor=approver, comment=comment)
    elif (
        request.decisions.filter(decision=ApprovalDecision.Decision.APPROVE).count()
        >= request.approvals_required
    ):
        _close(request, Status.APPROVED, actor=approver, comment=comment)
    return request


@retry_on_conflict
@transaction.atomic
def approval_cancel(*, request: ApprovalRequest, actor, reason: str = "") -> ApprovalRequest:
    """The requester (or a company admin) withdraws a pending order."""
    request = _locked(request)
    if request.household_id is not None:
        if actor.pk not in (request.requested_by_id, request.household.owner_id):
            raise NotApprover("Only the member who placed the order, or the owner, can cancel it.")
    elif actor.pk != request.requested_by_id:
        membership = (
            Membership.objects.filter(company=request.company, user=actor)
            .select_related("company", "user")
            .first()
        )
        if not (policy.admits_to_portal(membership) and policy.is_company_admin(membership)):
            raise NotApprover(
                "Only the buyer who placed the order, or a company admin, can cancel it."
            )
    if not request.is_pending:
        raise AlreadyDecided(
            f"Order {request.order.number} was already {request.get_status_display().lower()}."
        )
    _close(
        request, Status.CANCELLED, actor=actor, comment=reason.strip() or "cancelled by the buyer"
    )
    return request


@retry_on_conflict
@transaction.atomic
def approval_expire(*, request: ApprovalRequest) -> bool:
    """Expire a pending request past its time (releases the order); False if not due."""
    return _expire_if_due(_locked(request))


# --- rules --------------------------------------------------------------------------------

_NEEDS_AMOUNT = {Kind.ORDER_TOTAL, Kind.BUYER_ORDER_LIMIT, Kind.BUYER_MONTHLY_BUDGET}
_NEEDS_MEMBER = {Kind.BUYER_ORDER_LIMIT, Kind.BUYER_MONTHLY_BUDGET, Kind.MEMBER}


def _validate_rule(company, kind, amount, member, categories, two_approvals_over) -> None:
    if kind not in Kind.values:
        raise InvalidRule("Choose a kind of rule.")
    if kind in _NEEDS_AMOUNT and (amount is None or amount < 0):
        raise InvalidRule("This rule needs an amount.")
    if kind in _NEEDS_MEMBER and (member is None or member.company_id != company.pk):
        raise InvalidRule("This rule needs a member of your company.")
    if kind == Kind.CATEGORY and not categories:
        raise InvalidRule("Choose at least one category.")
    if (
        two_approvals_over is not None
        and amount is not None
        and kind == Kind.ORDER_TOTAL
        and two_approvals_over < amount
    ):
        raise InvalidRule("The two-approval threshold must be above the rule's amount.")


@transaction.atomic
def rule_save(
    *,
    company,
    actor,
    kind: str,
    amount: Decimal | None = None,
    member=None,
    categories=(),
    two_approvals_over: Decimal | None = None,
    rule: ApprovalRule | None = None,
) -> ApprovalRule:
    """Create or change a rule (a monthly budget is a rule); audited."""
    policy.require_for_company(actor, company, policy.Action.MANAGE_RULES)
    categories = list(categories)
    _validate_rule(company, kind, amount, member, categories, two_approvals_over)
    before = None
    if rule is None:
        rule = ApprovalRule(company=company)
    else:
        rule = ApprovalRule.objects.select_for_update().get(pk=rule.pk, company=company)
        before = {
            "kind": rule.kind,
            "amount": str(rule.amount),
            "two_approvals_over": str(rule.two_approvals_over),
        }
    rule.kind, rule.amount, rule.member, rule.two_approvals_over = (
        kind,
        amount,
        member,
        two_approvals_over,
    )
    rule.is_active = True
    rule.save()
    rule.categories.set(categories)
    what = "budget" if kind == Kind.BUYER_MONTHLY_BUDGET else "rule"
    record(
        company=company,
        actor=actor,
        kind=f"{what}_changed" if before else f"{what}_created",
        message=f"{'Changed' if before else 'Added'} {what}: {rule.get_kind_display()}"
        + (f" {amount}" if amount is not None else "")
        + (f" for {member.user.email}" if member is not None else "")
        + (f", two approvals over {two_approvals_over}" if two_approvals_over is not None else ""),
        data={"rule": rule.pk, "before": before},
    )
    return rule


@transaction.atomic
def rule_deactivate(*, rule: ApprovalRule, actor) -> ApprovalRule:
    policy.require_for_company(actor, rule.company, policy.Action.MANAGE_RULES)
    rule = ApprovalRule.objects.select_for_update().get(pk=rule.pk)
    if rule.is_active:
        rule.is_active = False
        rule.save(update_fields=["is_active", "updated_at"])
        record(
            company=rule.company,
            actor=actor,
            kind="rule_removed",
            message=f"Removed rule: {rule.get_kind_display()}",
            data={"rule": rule.pk},
        )
    return rule
