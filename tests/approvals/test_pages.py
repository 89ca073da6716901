"""Approvals in the portal and the dashboard, over HTTP."""

import pytest
from django.conf import settings
from django.test import Client

from commerce.approvals.models import ApprovalRequest, ApprovalRule
from commerce.order import status as order_status
from tests import factories
from tests.approvals.conftest import place, rule
from tests.helpers import portal_checkout

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(user)
    return client


@pytest.fixture
def pending(company, people):
    rule(company, "order_total", "100.00")
    return place(company, people["buyer"].user, net="250.00").approval


def test_checkout_says_an_order_needs_approval_before_it_is_submitted(company, people):
    rule(company, "buyer_order_limit", "5000.00", member=people["buyer"])
    product = factories.ProductFactory(stock=100, stock__price="2600.00")
    buyer = client_for(people["buyer"].user)
    buyer.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    assert "approval_notice" not in buyer.get("/checkout/").content.decode()

    buyer.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    page = buyer.get("/checkout/").content.decode()

    assert "Needs approval" in page
    assert "over your €5,000.00 order limit" in page
    response = portal_checkout(buyer)
    assert response.status_code == 302
    order = company.orders.get()
    assert order.status == order_status.PENDING_APPROVAL
    detail = buyer.get(f"/orders/{order.number}/").content.decode()
    assert "Approval" in detail and "over your €5,000.00 order limit" in detail


def test_the_inbox_badge_counts_requests_waiting_for_this_approver(company, people, pending):
    rule(company, "order_total", "1.00")
    place(company, people["approver"].user, net="10.00")  # the approver's own: not counted

    approver_page = client_for(people["approver"].user).get("/approvals/").content.decode()
    admin_page = client_for(people["admin"].user).get("/approvals/").content.decode()

    assert 'id="approvals_badge">1<' in approver_page
    assert 'id="approvals_badge">2<' in admin_page
    assert str(pending.order.number) in approver_page


def test_the_approver_sees_the_order_the_rules_and_the_budget_use(company, people):
    buyer = people["buyer"]
    rule(company, "buyer_monthly_budget", "300.00", member=buyer)
    place(company, buyer.user, net="200.00")
    request = place(company, buyer.user, net="150.00").approval

    page = client_for(people["approver"].user).get(f"/approvals/{request.pk}/")

    body = page.content.decode()
    assert page.status_code == 200
    assert "over your monthly budget of €300.00 (€200.00 already this month)" in body
    assert "€350.00 used this month" in body
    assert 'id="decision_form"' in body


def test_approving_over_http(pending, people):
    approver = client_for(people["approver"].user)
    response = approver.post(
        f"/approvals/{pending.pk}/decide/", {"decision": "approve", "comment": "Fine"}, follow=True
    )
    assert "approved" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == ApprovalRequest.Status.APPROVED


def test_self_approval_is_refused_over_http(company, people):
    rule(company, "order_total", "1.00")
    approver = people["approver"].user
    request = place(company, approver, net="10.00").approval
    client = client_for(approver)

    page = client.get(f"/approvals/{request.pk}/").content.decode()
    assert 'id="decision_form"' not in page and "your own order" in page
    response = client.post(f"/approvals/{request.pk}/decide/", {"decision": "approve"}, follow=True)

    assert "You cannot approve or reject your own order." in response.content.decode()
    request.refresh_from_db()
    assert request.is_pending and not request.decisions.exists()


def test_rejecting_without_a_reason_is_refused_and_loses_nothing(pending, people):
    response = client_for(people["approver"].user).post(
        f"/approvals/{pending.pk}/decide/", {"decision": "reject", "comment": ""}, follow=True
    )
    assert "Say why you reject" in response.content.decode()
    pending.refresh_from_db()
    assert pending.is_pending


def test_a_bad_decision_is_a_clear_error(pending, people):
    response = client_for(people["approver"].user).post(
        f"/approvals/{pending.pk}/decide/", {"decision": "maybe"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose approve or reject." in response.content.decode()


@pytest.mark.parametrize("role", ["buyer", "viewer"])
def test_buyers_and_viewers_have_no_inbox(company, pending, role):
    user = factories.MembershipFactory(company=company, role=role).user
    client = client_for(user)
    assert client.get("/approvals/").status_code == 403
    assert (
        client.post(f"/approvals/{pending.pk}/decide/", {"decision": "approve"}).status_code == 403
    )


def test_another_companys_requests_are_404(pending):
    other = factories.CompanyFactory(name="Globex")
    outsider = factories.MembershipFactory(company=other, role="admin").user
    client = client_for(outsider)
    assert client.get(f"/approvals/{pending.pk}/").status_code == 404
    assert (
        client.post(f"/approvals/{pending.pk}/decide/", {"decision": "approve"}).status_code == 404
    )
    assert client.post(f"/orders/{pending.order.number}/cancel/").status_code == 404
    pending.refresh_from_db()
    assert pending.is_pending


def test_the_buyer_cancels_a_pending_order_from_the_order_page(pending, people):
    buyer = client_for(people["buyer"].user)
    assert 'id="cancel_order"' in buyer.get(f"/orders/{pending.order.number}/").content.decode()

    response = buyer.post(f"/orders/{pending.order.number}/cancel/", follow=True)

    assert "cancelled" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == ApprovalRequest.Status.CANCELLED
    again = buyer.post(f"/orders/{pending.order.number}/cancel/", follow=True)
    assert "already cancelled" in again.content.decode()


def test_an_order_without_approval_cannot_be_cancelled_here(company, people):
    order = place(company, people["buyer"].user, net="10.00")
    assert (
        client_for(people["buyer"].user).post(f"/orders/{order.number}/cancel/").status_code == 404
    )


def test_the_admin_adds_and_removes_rules_and_the_page_shows_the_audit(company, people):
    admin = client_for(people["admin"].user)
    response = admin.post(
        "/approvals/rules/",
        {"kind": "order_total", "amount": "1000.00", "two_approvals_over": "10000.00"},
    )
    assert response.status_code == 302
    budget = admin.post(
        "/approvals/rules/",
        {"kind": "buyer_monthly_budget", "amount": "20000.00", "member": people["buyer"].pk},
    )
    assert budget.status_code == 302
    assert ApprovalRule.objects.filter(company=company, is_active=True).count() == 2

    rule_ = ApprovalRule.objects.get(kind="order_total")
    assert admin.post(f"/approvals/rules/{rule_.pk}/remove/").status_code == 302
    page = admin.get("/approvals/rules/").content.decode()

    assert not ApprovalRule.objects.get(pk=rule_.pk).is_active
    assert "Added budget" in page and "Removed rule" in page
    assert "buyer@acme.example" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "order_total", "amount": ""}, "This rule needs an amount."),
        ({"kind": "order_total", "amount": "-5"}, "greater than or equal to 0"),
        ({"kind": "nonsense"}, "Select a valid choice"),
        ({"kind": "member"}, "This rule needs a member of your company."),
    ],
)
def test_bad_rules_get_a_clear_error_and_nothing_is_saved(company, people, data, message):
    response = client_for(people["admin"].user).post("/approvals/rules/", data)
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not ApprovalRule.objects.exists()


def test_only_admins_see_the_rules_page(company, people, pending):
    assert client_for(people["approver"].user).get("/approvals/rules/").status_code == 403
    rule_ = ApprovalRule.objects.get()
    other = factories.MembershipFactory(role="admin").user
    assert client_for(other).post(f"/approvals/rules/{rule_.pk}/remove/").status_code == 404
    assert ApprovalRule.objects.get().is_active


def test_staff_see_pending_approvals_across_companies(pending, storefront_client):
    other = factories.CompanyFactory(name="Globex")
    factories.CompanyAddressFactory(company=other, is_default=True)
    factories.credit_account(other)
    globex_buyer = factories.MembershipFactory(company=other, role="buyer").user
    rule(other, "order_total", "1.00")
    theirs = place(other, globex_buyer, net="20.00").approval
    storefront_client.force_login(factories.StaffFactory())

    listing = storefront_client.get("/dashboard/approvals/").content.decode()
    detail = storefront_client.get(f"/dashboard/approvals/{pending.pk}/").content.decode()

    assert str(pending.order.number) in listing and str(theirs.order.number) in listing
    assert "Acme Industrial" in listing and "Globex" in listing
    assert "needs approval" in detail


def test_non_staff_cannot_see_the_dashboard_approvals(pending, storefront_client, people):
    storefront_client.force_login(people["admin"].user)
    response = storefront_client.get("/dashboard/approvals/")
    assert response.status_code in (302, 403)
