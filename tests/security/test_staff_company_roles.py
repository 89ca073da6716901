"""The reported sequence: the sales rep makes himself Acme's admin from the
dashboard, then gives the second approval on a large order in the portal.
Each step is refused: only a superuser gives a staff account a company role
(recorded in the company history its admins read), and a staff account never
counts as an approver, whatever its membership says."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import CompanyEvent, Membership
from commerce.approvals.exceptions import NotApprover
from commerce.approvals.models import ApprovalRule
from commerce.approvals.services import approval_decide
from commerce.order import status as order_status
from tests import factories
from tests.backoffice.conftest import business, dashboard_client, place_portal, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def acme(db):
    company = business("Acme Industrial")
    ApprovalRule.objects.create(
        company=company,
        kind=ApprovalRule.Kind.ORDER_TOTAL,
        amount=Decimal("500.00"),
        two_approvals_over=Decimal("10000.00"),
    )
    return company


@pytest.fixture
def rep(acme):
    rep = staff("sales_rep", email="rep@example.com")
    acme.sales_reps.add(rep)
    return rep


@pytest.fixture
def big_order(acme):
    """€16k gross, waiting for two approvals; the first is given."""
    order = place_portal(acme, net="1387.12", quantity=10)
    assert order.status == order_status.PENDING_APPROVAL
    assert order.approval.approvals_required == 2
    first = factories.MembershipFactory(company=acme, role="approver").user
    approval_decide(request=order.approval, approver=first, decision="approve")
    return order


def portal(user) -> Client:
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(user)
    return client


def test_the_rep_cannot_make_himself_acmes_admin_from_the_dashboard(acme, rep):
    client = dashboard_client(rep)

    response = client.post(
        f"/dashboard/companies/{acme.pk}/members/add/",
        {"email": "rep@example.com", "role": "admin"},
        follow=True,
    )

    assert response.status_code == 200
    assert not Membership.objects.filter(user=rep).exists()
    assert "only a superuser can give it a company role" in response.content.decode()
    assert not CompanyEvent.objects.filter(company=acme, kind="member_added").exists()


@pytest.mark.parametrize("role", ["administrator", "credit_controller"])
def test_no_staff_role_short_of_superuser_adds_a_staff_account(acme, rep, role):
    client = dashboard_client(staff(role))

    client.post(
        f"/dashboard/companies/{acme.pk}/members/add/",
        {"email": "rep@example.com", "role": "approver"},
    )

    assert not Membership.objects.filter(user=rep).exists()


def test_a_staff_member_cannot_promote_or_revive_a_staff_membership(acme, rep):
    membership = Membership.objects.create(user=rep, company=acme, role="viewer", is_active=False)
    client = dashboard_client(staff("administrator"))

    client.post(
        f"/dashboard/companies/{acme.pk}/members/{membership.pk}/",
        {"role": "admin", "is_active": "on"},
    )

    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == ("viewer", False)


def test_a_superuser_may_and_acmes_admins_see_it_in_the_history(acme, rep):
    admin = factories.MembershipFactory(company=acme, role="admin").user
    superuser = staff(is_superuser=True, email="root@example.com")

    dashboard_client(superuser).post(
        f"/dashboard/companies/{acme.pk}/members/add/",
        {"email": "rep@example.com", "role": "viewer"},
    )

    assert Membership.objects.get(user=rep, company=acme).role == "viewer"
    event = CompanyEvent.objects.get(company=acme, kind="member_added")
    assert event.actor == superuser and event.data["staff"] is True
    history = portal(admin).get("/company/").content.decode()
    assert "rep@example.com added as Viewer (a" in history
    assert "staff account, by superuser root@example.com)" in history


def test_the_rep_cannot_give_the_second_approval_even_as_a_member(acme, rep, big_order):
    # A membership from before the rule (or given by a superuser) changes nothing.
    Membership.objects.create(user=rep, company=acme, role="admin")
    client = portal(rep)
    approval = big_order.approval

    inbox = client.get("/approvals/")
    decided = client.post(f"/approvals/{approval.pk}/decide/", {"decision": "approve"})
    api = APIClient(HTTP_HOST=settings.PORTAL_HOST)
    api.force_login(rep)
    through_api = api.post(f"/api/approvals/{approval.pk}/approve/", {}, format="json")

    assert inbox.status_code == 403
    assert decided.status_code == 403
    assert through_api.status_code == 403
    big_order.refresh_from_db()
    approval.refresh_from_db()
    assert big_order.status == order_status.PENDING_APPROVAL
    assert approval.decisions.count() == 1


def test_the_approval_service_refuses_a_staff_approver_by_name(acme, rep, big_order):
    Membership.objects.create(user=rep, company=acme, role="approver")

    with pytest.raises(NotApprover, match="Staff accounts never approve"):
        approval_decide(request=big_order.approval, approver=rep, decision="approve")

    big_order.refresh_from_db()
    assert big_order.status == order_status.PENDING_APPROVAL


def test_staff_members_are_not_emailed_approval_requests(acme, rep, mailoutbox, committed):
    Membership.objects.create(user=rep, company=acme, role="approver")

    with committed():
        place_portal(acme, net="100.00", quantity=10)

    recipients = {address for message in mailoutbox for address in message.to}
    assert "rep@example.com" not in recipients
