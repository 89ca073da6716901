"""/api/company/: the active company, members (invitations), addresses."""

import pytest
from django.conf import settings
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import CompanyAddress, Invitation
from tests import factories
from tests.api.conftest import assert_error, portal_api, storefront_api

pytestmark = pytest.mark.django_db


def test_the_active_company_and_what_the_caller_may_do(company, people):
    body = portal_api(people["viewer"]).get("/api/company/").json()
    assert (body["id"], body["name"], body["role"]) == (company.pk, "Acme Industrial", "viewer")
    assert body["allowed_actions"] == ["view_catalog", "view_invoices", "view_orders"]


def test_a_member_of_several_companies_picks_one_with_x_company(company, other_company, people):
    factories.MembershipFactory(company=other_company, user=people["buyer"], role="admin")
    body = portal_api(people["buyer"], company=other_company).get("/api/company/").json()
    assert (body["id"], body["role"]) == (other_company.pk, "admin")


@pytest.mark.parametrize("value", ["999999", "abc", "99999999999999999999999"])
def test_an_unknown_x_company_is_not_found(company, people, value):
    client = portal_api(people["buyer"])
    client.defaults["HTTP_X_COMPANY"] = value
    assert_error(client.get("/api/company/"), 404, "not_found")


def test_another_company_by_x_company_is_not_found(company, people, other_company):
    assert_error(
        portal_api(people["admin"], company=other_company).get("/api/company/"), 404, "not_found"
    )


def test_admins_list_members_and_invite(company, people, committed):
    client = portal_api(people["admin"])
    members = client.get("/api/company/members/").json()
    assert sorted(m["email"] for m in members["results"]) == sorted(
        u.email for u in people.values()
    )

    with committed():
        invited = client.post(
            "/api/company/members/", {"email": "new@acme.example", "role": "buyer"}, format="json"
        )

    assert invited.status_code == 201
    assert Invitation.objects.get().email == "new@acme.example"
    assert len(mail.outbox) == 1


def test_inviting_a_member_again_is_already_member(company, people):
    response = portal_api(people["admin"]).post(
        "/api/company/members/", {"email": "buyer@acme.example", "role": "buyer"}, format="json"
    )
    assert_error(response, 409, "already_member")


def test_buyers_may_not_manage_members(company, people):
    assert_error(portal_api(people["buyer"]).get("/api/company/members/"), 403, "permission_denied")


def test_addresses_are_listed_and_admins_add_ship_tos(company, people):
    client = portal_api(people["admin"])
    assert client.get("/api/company/addresses/").json()["count"] == 2

    created = client.post(
        "/api/company/addresses/",
        {
            "label": "Dock 2",
            "line1": "2 Harbour Rd",
            "line4": "Hamburg",
            "postcode": "20457",
            "country": "DE",
        },
        format="json",
    )

    assert created.status_code == 201, created.content
    assert (created.json()["kind"], created.json()["label"]) == ("ship_to", "Dock 2")
    assert CompanyAddress.objects.filter(company=company, label="Dock 2").exists()


def test_a_buyer_may_not_add_addresses(company, people):
    response = portal_api(people["buyer"]).post(
        "/api/company/addresses/",
        {"line1": "x", "line4": "y", "postcode": "1", "country": "DE"},
        format="json",
    )
    assert_error(response, 403, "permission_denied")
    assert CompanyAddress.objects.filter(company=company).count() == 2


def test_an_unknown_country_is_a_validation_error(company, people):
    response = portal_api(people["admin"]).post(
        "/api/company/addresses/",
        {"line1": "x", "line4": "y", "postcode": "1", "country": "ZZ"},
        format="json",
    )
    assert_error(response, 400, "validation_error")


def test_company_resources_are_served_on_the_portal(people):
    assert_error(storefront_api(people["admin"]).get("/api/company/"), 403, "permission_denied")


def test_a_portal_session_uses_the_company_chosen_in_the_portal(company, other_company, people):
    factories.MembershipFactory(company=other_company, user=people["buyer"], role="viewer")
    client = APIClient(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(people["buyer"])
    client.post("/company/switch/", {"company": other_company.pk})

    assert client.get("/api/company/").json()["id"] == other_company.pk
