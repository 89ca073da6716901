"""A business signs up, staff approve it in the dashboard, its first order goes through."""

import pytest
from django.core import mail
from oscar.core.loading import get_model

from accounts.models import Company, CompanyAddress, Membership
from tests import factories
from tests.helpers import checkout

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db

SIGNUP = {
    "legal_name": "Initech Components GmbH",
    "tax_id": "de 300 400 500",
    "line1": "Werkstrasse 1",
    "line4": "Leipzig",
    "postcode": "04109",
    "country": "DE",
    "first_name": "Ina",
    "last_name": "Tech",
    "email": "ina@initech.example",
    "password1": "a-good-long-passphrase",
    "password2": "a-good-long-passphrase",
}


@pytest.fixture
def germany():
    return factories.CountryFactory()


def test_registration_then_approval_then_first_order(
    portal_client, storefront_client, committed, germany, settings
):
    settings.SALES_TEAM_EMAILS = ["sales@commerce.example"]
    product = factories.ProductFactory(stock=10)

    with committed():
        signed_up = portal_client.post("/signup/", SIGNUP)

    assert signed_up.status_code == 302
    company = Company.objects.get(name="Initech Components GmbH")
    assert company.status == Company.Status.PENDING
    assert company.tax_id == "DE300400500"
    membership = Membership.objects.get(company=company)
    assert (membership.user.email, membership.role) == ("ina@initech.example", "admin")
    assert sorted(company.addresses.values_list("kind", flat=True)) == [
        CompanyAddress.Kind.BILL_TO,
        CompanyAddress.Kind.SHIP_TO,
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ina@initech.example", "sales@commerce.example"]

    home = portal_client.get("/")
    blocked = portal_client.get("/checkout/")
    assert "awaiting approval" in home.content.decode()
    assert blocked.status_code == 403

    staff = factories.StaffFactory()
    storefront_client.force_login(staff)
    mail.outbox.clear()
    with committed():
        approved = storefront_client.post(
            f"/dashboard/companies/{company.pk}/status/", {"status": "active", "reason": ""}
        )
    assert approved.status_code == 302
    company.refresh_from_db()
    assert company.status == Company.Status.ACTIVE
    assert [m.to for m in mail.outbox] == [["ina@initech.example"]]
    assert "active" in mail.outbox[0].subject

    placed = checkout(portal_client, product, quantity=2)

    assert placed.status_code == 302
    order = Order.objects.get()
    assert placed["Location"] == f"/orders/{order.number}/"
    assert order.user == membership.user
    assert order.site_id == settings.PORTAL_SITE_ID


def test_signing_up_while_signed_in_makes_the_account_admin(portal_client, germany):
    existing = factories.UserFactory(email="already@example.com")
    portal_client.force_login(existing)
    data = {
        k: v
        for k, v in SIGNUP.items()
        if k not in {"first_name", "last_name", "email", "password1", "password2"}
    }

    response = portal_client.post("/signup/", data)

    assert response.status_code == 302
    assert Membership.objects.get(user=existing).role == "admin"


def test_an_email_that_has_an_account_gets_an_email_not_a_different_page(
    portal_client, germany, committed
):
    factories.UserFactory(email="ina@initech.example")

    with committed():
        response = portal_client.post("/signup/", SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == "/signup/done/"
    assert not Company.objects.exists()
    assert [m.to for m in mail.outbox] == [["ina@initech.example"]]
    assert "Sign in" in mail.outbox[0].body or "sign in" in mail.outbox[0].body


def test_a_tax_id_already_registered_is_refused(portal_client, germany):
    factories.CompanyFactory(tax_id="DE300400500")

    response = portal_client.post("/signup/", SIGNUP)

    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert Company.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("legal_name", ""),
        ("country", "XX"),
        ("password2", "different-passphrase"),
        ("email", "nope"),
    ],
)
def test_bad_signup_input_creates_nothing(portal_client, germany, field, value):
    response = portal_client.post("/signup/", {**SIGNUP, field: value})

    assert response.status_code == 200
    assert not Company.objects.exists()
    assert not Membership.objects.exists()


def test_illegal_status_moves_are_refused_with_a_message(storefront_client, committed):
    company = factories.CompanyFactory(status=Company.Status.PENDING)
    storefront_client.force_login(factories.StaffFactory())

    response = storefront_client.post(
        f"/dashboard/companies/{company.pk}/status/", {"status": "on_hold"}, follow=True
    )

    assert "cannot become on hold" in response.content.decode()
    company.refresh_from_db()
    assert company.status == Company.Status.PENDING
    assert not company.events.exists()
