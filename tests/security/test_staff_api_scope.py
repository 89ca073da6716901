"""Recording a payment through the API follows the staff role table and its
company scope: only credit controllers and administrators change money or
credit, a token has no more authority than the staff member who issued it, and
nobody settles their own company's invoices."""

from datetime import date

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from commerce.api import tokens
from commerce.billing.models import Invoice, Payment
from tests import factories
from tests.backoffice.conftest import business, invoiced, place_portal, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def globex_invoice(db):
    globex = business("Globex Supply")
    return invoiced(place_portal(globex, net="100.00"), days_overdue=40)


def body(invoice):
    return {
        "account": invoice.account_id,
        "amount": str(invoice.total),
        "received_on": date.today().isoformat(),
        "reference": "BANK-77",
        "allocations": {invoice.number: str(invoice.total)},
    }


def session(user) -> APIClient:
    client = APIClient(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(user)
    return client


def integration(owner, issuer) -> APIClient:
    key = tokens.token_issue(user=owner, name="erp", kind="integration", actor=issuer).key
    client = APIClient(HTTP_HOST=settings.PORTAL_HOST)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_nothing_paid(invoice):
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN


@pytest.mark.parametrize("role", ["catalog_manager", "sales_rep", None])
def test_staff_without_the_billing_role_cannot_record_payments(globex_invoice, role):
    member_of_staff = staff(role)

    response = session(member_of_staff).post("/api/payments/", body(globex_invoice), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert_nothing_paid(globex_invoice)


def test_a_sales_rep_cannot_record_payments_even_for_a_company_they_represent(globex_invoice):
    rep = staff("sales_rep")
    globex_invoice.account.company.sales_reps.add(rep)

    response = session(rep).post("/api/payments/", body(globex_invoice), format="json")

    assert response.status_code == 403
    assert_nothing_paid(globex_invoice)


@pytest.mark.parametrize("role", ["credit_controller", "administrator"])
def test_credit_controllers_and_administrators_record_payments(globex_invoice, role):
    response = session(staff(role)).post("/api/payments/", body(globex_invoice), format="json")

    assert response.status_code == 201, response.content
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.PAID


def test_an_integration_token_issued_by_a_catalog_manager_cannot_record_payments(globex_invoice):
    erp = integration(factories.UserFactory(), staff("catalog_manager"))

    response = erp.post("/api/payments/", body(globex_invoice), format="json")

    assert response.status_code == 403
    assert_nothing_paid(globex_invoice)


def test_a_token_loses_its_power_with_its_issuers_role(globex_invoice):
    controller = staff("credit_controller")
    erp = integration(factories.UserFactory(), controller)
    controller.groups.clear()

    response = erp.post("/api/payments/", body(globex_invoice), format="json")

    assert response.status_code == 403
    assert_nothing_paid(globex_invoice)


def test_an_integration_token_of_a_customer_member_cannot_pay_that_customers_invoices(
    globex_invoice,
):
    globex = globex_invoice.account.company
    member = factories.MembershipFactory(company=globex, role="admin").user
    erp = integration(member, staff(is_superuser=True))

    response = erp.post("/api/payments/", body(globex_invoice), format="json")

    assert response.status_code == 400
    assert response.json()["details"] == {"account": ["No such credit account."]}
    assert_nothing_paid(globex_invoice)


def test_staff_who_are_also_a_customers_member_cannot_settle_its_invoices(globex_invoice):
    controller = staff("credit_controller")
    factories.MembershipFactory(user=controller, company=globex_invoice.account.company)

    response = session(controller).post("/api/payments/", body(globex_invoice), format="json")

    assert response.status_code == 400
    assert_nothing_paid(globex_invoice)
