"""The portal home orients each role: recent orders, approvals waiting for me,
my budget this month, credit available and overdue invoices; the credit-hold
banner shows on every portal page while the hold lasts."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from commerce.approvals.models import ApprovalRule
from commerce.billing import credit
from tests import factories
from tests.backoffice.conftest import invoiced, pending_order, place_portal
from tests.helpers import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def acme(db):
    return factories.business("Acme Industrial", limit="10000.00")


@pytest.fixture
def people(acme):
    return {
        role: factories.MembershipFactory(company=acme, role=role)
        for role in ("admin", "approver", "buyer", "viewer")
    }


def client_for(membership) -> Client:
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(membership.user)
    return client


def home(membership):
    response = client_for(membership).get("/")
    assert response.status_code == 200
    return response, response.context["home"], response.content.decode()


def test_a_buyer_sees_their_recent_orders_with_reorder_and_their_budget(acme, people):
    buyer = people["buyer"]
    mine = place_portal(acme, net="300.00", user=buyer.user)
    place_portal(acme, net="50.00")  # someone else's
    ApprovalRule.objects.create(
        company=acme,
        kind=ApprovalRule.Kind.BUYER_MONTHLY_BUDGET,
        amount=Decimal("1000.00"),
        member=buyer,
    )

    _, data, page = home(buyer)

    assert [str(o.number) for o in data.recent_orders] == [str(mine.number)]
    assert 'id="recent_orders"' in page and "Reorder" in page
    assert f"/orders/{mine.number}/reorder/" in page
    assert data.budget.limit == Decimal("1000.00")
    assert data.budget.used == Decimal("300.00")
    assert data.budget.left == Decimal("700.00")
    assert 'id="budget_card"' in page
    assert 'id="waiting_for_me"' not in page  # a buyer approves nothing
    assert 'id="overdue_card"' not in page  # nor reads invoices


def test_an_approver_sees_what_waits_for_them_and_the_company_orders(acme, people):
    waiting = pending_order(acme)
    other = place_portal(acme, net="20.00")

    _, data, page = home(people["approver"])

    assert [str(a.order.number) for a in data.waiting_for_me] == [str(waiting.number)]
    assert data.waiting_count == 1
    assert f"/approvals/{waiting.approval.pk}/" in page
    assert {str(o.number) for o in data.recent_orders} == {str(waiting.number), str(other.number)}
    assert data.budget is None


def test_an_approver_does_not_see_their_own_request_as_waiting(acme, people):
    approver = people["approver"]
    ApprovalRule.objects.create(
        company=acme, kind=ApprovalRule.Kind.ORDER_TOTAL, amount=Decimal("10.00")
    )
    place_portal(acme, net="100.00", user=approver.user)

    _, data, _page = home(approver)

    assert data.waiting_for_me == [] and data.waiting_count == 0
    assert data.my_pending == 1


def test_credit_available_and_overdue_invoices_for_those_who_read_invoices(acme, people):
    late = invoiced(place_portal(acme, net="1000.00"), days_overdue=20)
    invoiced(place_portal(acme, net="100.00"))  # not due yet
    account = credit.account_for_company(acme)
    expected = credit.standing(account)

    _, data, page = home(people["viewer"])

    assert data.standing.available == expected.available
    assert data.standing.limit == Decimal("10000.00")
    assert data.overdue.count == 1
    assert data.overdue.total == late.balance
    assert [i.number for i in data.overdue.invoices] == [late.number]
    assert 'id="credit_available"' in page and late.number in page
    assert "Reorder" not in page  # a viewer places no orders


def test_the_credit_hold_banner_is_on_every_portal_page_while_the_hold_lasts(acme, people):
    admin = client_for(people["admin"])
    account = credit.account_for_company(acme)
    pages = ["/", "/orders/", "/invoices/", "/quick-order/", "/basket/", "/company/"]
    for url in pages:
        assert 'id="credit_hold_banner"' not in admin.get(url).content.decode(), url

    credit.credit_hold(account=account, reason="Invoices 60 days overdue")

    for url in pages:
        page = admin.get(url).content.decode()
        assert 'id="credit_hold_banner"' in page, url
        assert "Invoices 60 days overdue" in page

    credit.credit_release_hold(account=credit.account_for_company(acme))
    assert 'id="credit_hold_banner"' not in admin.get("/").content.decode()


@pytest.mark.parametrize("role", ["admin", "approver", "buyer", "viewer"])
def test_the_home_costs_the_same_queries_with_many_orders(acme, people, role):
    membership = people[role]
    orderer = membership.user if role != "viewer" else None
    place_portal(acme, user=orderer)
    pending_order(acme)
    invoiced(place_portal(acme), days_overdue=30)
    client = client_for(membership)
    few, _ = page_queries(client, "/")

    for _ in range(4):
        place_portal(acme, user=orderer)
        pending_order(acme)
        invoiced(place_portal(acme), days_overdue=30)
    many, _ = page_queries(client, "/")

    assert many == few
