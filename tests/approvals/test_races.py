"""Approvers acting at the same moment, on PostgreSQL with real threads."""

from decimal import Decimal

import pytest

from commerce.approvals import services
from commerce.approvals.exceptions import ApprovalError
from commerce.approvals.models import ApprovalDecision, ApprovalRequest
from commerce.billing import credit
from commerce.order import status as order_status
from tests import factories, helpers
from tests.approvals.conftest import place, rule

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    return helpers.at_once(*calls, expected=ApprovalError, what="a decision")


def decide(request, user, decision):
    return lambda: services.approval_decide(
        request=ApprovalRequest.objects.get(pk=request.pk),
        approver=user,
        decision=decision,
        comment="no" if decision == "reject" else "",
    )


@pytest.mark.parametrize("attempt", range(5))
def test_approve_and_reject_at_the_same_moment_have_exactly_one_outcome(company, people, attempt):
    rule(company, "order_total", "10.00")
    request = place(company, people["buyer"].user, net="100.00").approval

    outcomes = at_once(
        decide(request, people["approver"].user, "approve"),
        decide(request, people["admin"].user, "reject"),
    )

    request.refresh_from_db()
    errors = [o for o in outcomes if isinstance(o, ApprovalError)]
    assert len(errors) == 1, outcomes
    assert "already" in str(errors[0])
    assert ApprovalDecision.objects.filter(request=request).count() == 1
    decision = ApprovalDecision.objects.get(request=request).decision
    expected = {
        "approve": (ApprovalRequest.Status.APPROVED, order_status.PLACED),
        "reject": (ApprovalRequest.Status.REJECTED, order_status.REJECTED),
    }[decision]
    request.order.refresh_from_db()
    assert (request.status, request.order.status) == expected
    released = credit.exposure_of(credit.account_for_company(company)) == Decimal("0.00")
    assert released == (decision == "reject")


def test_two_approvers_approving_a_one_approval_order_together_decide_it_once(company, people):
    rule(company, "order_total", "10.00")
    second = factories.MembershipFactory(company=company, role="approver").user
    request = place(company, people["buyer"].user, net="100.00").approval

    outcomes = at_once(
        decide(request, people["approver"].user, "approve"),
        decide(request, second, "approve"),
        decide(request, people["admin"].user, "approve"),
    )

    assert sum(isinstance(o, ApprovalError) for o in outcomes) == 2
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED
    assert request.decisions.count() == 1
    assert request.order.status_changes.filter(new_status=order_status.PLACED).count() == 1


def test_the_second_of_two_approvals_racing_a_cancel_has_one_outcome(company, people):
    rule(company, "order_total", "10.00", two_approvals_over=Decimal("50.00"))
    request = place(company, people["buyer"].user, net="100.00").approval
    services.approval_decide(request=request, approver=people["approver"].user, decision="approve")

    outcomes = at_once(
        decide(request, people["admin"].user, "approve"),
        lambda: services.approval_cancel(
            request=ApprovalRequest.objects.get(pk=request.pk), actor=people["buyer"].user
        ),
    )

    assert sum(isinstance(o, ApprovalError) for o in outcomes) == 1
    request.refresh_from_db()
    request.order.refresh_from_db()
    assert request.status in (ApprovalRequest.Status.APPROVED, ApprovalRequest.Status.CANCELLED)
    assert request.order.status == (
        order_status.PLACED
        if request.status == ApprovalRequest.Status.APPROVED
        else order_status.CANCELLED
    )
