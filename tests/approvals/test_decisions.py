"""Deciding approval requests: who may, what follows, what is recorded."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.policy import NotAllowed
from commerce.approvals import services, tasks
from commerce.approvals.exceptions import AlreadyDecided, ApprovalExpired, InvalidRule, NotApprover
from commerce.approvals.models import ApprovalEvent, ApprovalRequest
from commerce.billing import credit
from commerce.order import status as order_status
from tests import factories
from tests.approvals.conftest import place, rule

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(company, people):
    rule(company, "order_total", "100.00", two_approvals_over=Decimal("10000.00"))
    product = factories.ProductFactory(stock=50, stock__price="150.00")
    order = place(company, people["buyer"].user, product=product, quantity=2)
    assert order.status == order_status.PENDING_APPROVAL
    return order.approval


def exposure(company):
    return credit.exposure_of(credit.account_for_company(company))


def allocated(request):
    return StockRecord.objects.get(product=request.order.lines.get().product).num_allocated


def test_an_approver_approves_and_the_order_continues(pending, people, committed):
    with committed():
        services.approval_decide(
            request=pending, approver=people["approver"].user, decision="approve"
        )

    pending.refresh_from_db()
    order = pending.order
    order.refresh_from_db()
    assert pending.status == ApprovalRequest.Status.APPROVED
    assert order.status == order_status.PLACED
    assert order.lines.get().status == order_status.PLACED
    assert allocated(pending) == 2  # still held for shipping
    assert [m.to for m in mail.outbox if "approved" in m.subject] == [["buyer@acme.example"]]


def test_an_admin_may_approve(pending, people):
    services.approval_decide(request=pending, approver=people["admin"].user, decision="approve")
    pending.refresh_from_db()
    assert pending.status == ApprovalRequest.Status.APPROVED


@pytest.mark.parametrize("role", ["buyer", "viewer"])
def test_members_without_the_approver_role_cannot_decide(pending, company, role):
    other = factories.MembershipFactory(company=company, role=role).user
    with pytest.raises(NotApprover):
        services.approval_decide(request=pending, approver=other, decision="approve")
    pending.refresh_from_db()
    assert pending.is_pending


def test_someone_outside_the_company_cannot_decide(pending):
    outsider = factories.MembershipFactory(role="admin").user
    with pytest.raises(NotApprover):
        services.approval_decide(request=pending, approver=outsider, decision="approve")


def test_a_requester_never_approves_their_own_order_even_as_an_approver(company, people):
    rule(company, "order_total", "10.00")
    approver = people["approver"].user
    order = place(company, approver, net="50.00")

    with pytest.raises(NotApprover, match="your own order"):
        services.approval_decide(request=order.approval, approver=approver, decision="approve")
    # ... nor as an admin
    admin = people["admin"].user
    own = place(company, admin, net="50.00")
    with pytest.raises(NotApprover):
        services.approval_decide(request=own.approval, approver=admin, decision="approve")
    assert not order.approval.decisions.exists()


def test_rejecting_needs_a_reason_and_releases_stock_and_credit(
    pending, people, company, committed
):
    held = exposure(company)
    assert held > 0 and allocated(pending) == 2
    with pytest.raises(InvalidRule, match="Say why"):
        services.approval_decide(
            request=pending, approver=people["approver"].user, decision="reject", comment="  "
        )

    with committed():
        services.approval_decide(
            request=pending,
            approver=people["approver"].user,
            decision="reject",
            comment="Use the framework agreement supplier",
        )

    pending.refresh_from_db()
    pending.order.refresh_from_db()
    assert pending.status == ApprovalRequest.Status.REJECTED
    assert pending.order.status == order_status.REJECTED
    assert allocated(pending) == 0
    assert exposure(company) == Decimal("0.00")
    told = [m for m in mail.outbox if m.to == ["buyer@acme.example"] and "rejected" in m.subject]
    assert told and "Use the framework agreement supplier" in told[0].body


def test_a_decided_request_cannot_be_decided_again(pending, people):
    services.approval_decide(request=pending, approver=people["approver"].user, decision="approve")
    with pytest.raises(AlreadyDecided):
        services.approval_decide(
            request=pending, approver=people["admin"].user, decision="reject", comment="late"
        )
    pending.refresh_from_db()
    assert pending.status == ApprovalRequest.Status.APPROVED
    assert pending.decisions.count() == 1


def test_two_approvals_must_come_from_two_different_approvers(company, people):
    rule(company, "order_total", "100.00", two_approvals_over=Decimal("1000.00"))
    order = place(company, people["buyer"].user, net="1500.00")
    request = order.approval
    assert request.approvals_required == 2

    services.approval_decide(request=request, approver=people["approver"].user, decision="approve")
    request.refresh_from_db()
    assert request.is_pending  # one of two
    with pytest.raises(AlreadyDecided, match="another approver"):
        services.approval_decide(
            request=request, approver=people["approver"].user, decision="approve"
        )

    services.approval_decide(request=request, approver=people["admin"].user, decision="approve")
    request.refresh_from_db()
    order.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED
    assert order.status == order_status.PLACED
    assert sorted(d.approver.email for d in request.decisions.all()) == [
        "admin@acme.example",
        "approver@acme.example",
    ]


def test_one_rejection_ends_a_two_approval_request(company, people):
    rule(company, "order_total", "100.00", two_approvals_over=Decimal("1000.00"))
    request = place(company, people["buyer"].user, net="1500.00").approval
    services.approval_decide(request=request, approver=people["approver"].user, decision="approve")
    services.approval_decide(
        request=request, approver=people["admin"].user, decision="reject", comment="Too much"
    )
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.REJECTED


def test_the_buyer_cancels_a_pending_order_and_its_holds_are_released(pending, people, company):
    services.approval_cancel(request=pending, actor=people["buyer"].user, reason="Ordered twice")

    pending.refresh_from_db()
    pending.order.refresh_from_db()
    assert pending.status == ApprovalRequest.Status.CANCELLED
    assert pending.order.status == order_status.CANCELLED
    assert allocated(pending) == 0
    assert exposure(company) == Decimal("0.00")
    with pytest.raises(AlreadyDecided):
        services.approval_decide(
            request=pending, approver=people["approver"].user, decision="approve"
        )


def test_another_buyer_cannot_cancel_someone_elses_order(pending, company):
    colleague = factories.MembershipFactory(company=company, role="buyer").user
    with pytest.raises(NotApprover):
        services.approval_cancel(request=pending, actor=colleague)


# --- expiry and reminders ------------------------------------------------------------------


def test_approving_after_expiry_is_refused_and_the_expiry_releases_everything(
    pending, people, company
):
    ApprovalRequest.objects.filter(pk=pending.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(ApprovalExpired):
        services.approval_decide(
            request=pending, approver=people["approver"].user, decision="approve"
        )

    pending.refresh_from_db()
    pending.order.refresh_from_db()
    assert pending.status == ApprovalRequest.Status.EXPIRED
    assert pending.order.status == order_status.CANCELLED
    assert allocated(pending) == 0
    assert exposure(company) == Decimal("0.00")
    assert not pending.decisions.exists()


def test_housekeeping_expires_old_requests_and_reminds_approvers_once_a_period(
    company, people, settings, committed
):
    settings.APPROVAL_REMINDER_DAYS = 2
    rule(company, "order_total", "10.00")
    stale = place(company, people["buyer"].user, net="50.00").approval
    fresh = place(company, people["buyer"].user, net="50.00").approval
    overdue = place(company, people["buyer"].user, net="50.00").approval
    ApprovalRequest.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    ApprovalRequest.objects.filter(pk=overdue.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    mail.outbox.clear()

    with committed():
        result = tasks.approvals_housekeeping()

    assert result == {"expired": 1, "reminded": 1}
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert len(reminders) == 1 and str(stale.order.number) in reminders[0].subject
    assert sorted(reminders[0].to) == ["admin@acme.example", "approver@acme.example"]
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert overdue.status == ApprovalRequest.Status.EXPIRED
    assert fresh.is_pending
    assert stale.events.filter(kind="reminded").count() == 1
    # Within the same period nobody is reminded again.
    assert tasks.approvals_housekeeping() == {"expired": 0, "reminded": 0}


def test_approvers_but_not_the_requester_are_emailed_when_an_order_waits(
    company, people, committed
):
    rule(company, "order_total", "10.00")
    with committed():
        order = place(company, people["approver"].user, net="50.00")

    asks = [m for m in mail.outbox if "needs your approval" in m.subject]
    assert len(asks) == 1
    assert asks[0].to == ["admin@acme.example"]
    assert str(order.number) in asks[0].subject


# --- audit and rules -----------------------------------------------------------------------


def test_every_step_is_recorded_with_who_and_when(pending, people):
    services.approval_decide(
        request=pending, approver=people["approver"].user, decision="approve", comment="OK"
    )
    events = list(pending.events.order_by("pk"))
    assert [e.kind for e in events] == ["requested", "decision_approve", "approved"]
    assert events[0].actor == people["buyer"].user
    assert events[1].actor == people["approver"].user
    assert "OK" in events[1].message
    assert all(e.created_at is not None for e in events)


def test_rule_and_budget_changes_are_audited(company, people):
    admin = people["admin"].user
    budget = services.rule_save(
        company=company,
        actor=admin,
        kind="buyer_monthly_budget",
        amount=Decimal("5000.00"),
        member=people["buyer"],
    )
    services.rule_save(
        company=company,
        actor=admin,
        kind="buyer_monthly_budget",
        amount=Decimal("8000.00"),
        member=people["buyer"],
        rule=budget,
    )
    services.rule_deactivate(rule=budget, actor=admin)

    events = ApprovalEvent.objects.filter(company=company, request__isnull=True).order_by("pk")
    assert [e.kind for e in events] == ["budget_created", "budget_changed", "rule_removed"]
    assert events[1].data["before"]["amount"] == "5000.00"
    assert "8000.00" in events[1].message
    assert all(e.actor == admin for e in events)


def test_only_company_admins_manage_rules(company, people):
    with pytest.raises(NotAllowed, match="does not allow"):
        services.rule_save(
            company=company, actor=people["approver"].user, kind="order_total", amount=Decimal("1")
        )
    assert not company.approval_rules.exists()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"kind": "order_total"}, "needs an amount"),
        ({"kind": "buyer_order_limit", "amount": Decimal("5")}, "member of your company"),
        ({"kind": "category"}, "at least one category"),
        (
            {"kind": "order_total", "amount": Decimal("500"), "two_approvals_over": Decimal("100")},
            "must be above",
        ),
    ],
)
def test_rules_are_validated(company, people, fields, message):
    with pytest.raises(InvalidRule, match=message):
        services.rule_save(company=company, actor=people["admin"].user, **fields)
    assert not company.approval_rules.exists()


def test_a_member_of_another_company_cannot_be_named_in_a_rule(company, people):
    stranger = factories.MembershipFactory(role="buyer")
    with pytest.raises(InvalidRule):
        services.rule_save(
            company=company,
            actor=people["admin"].user,
            kind="member",
            member=stranger,
        )
