"""Anything that belongs to another company is a 404 in the portal, never a 403."""

import pytest

from accounts.models import Invitation, Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_company, admin):
    invitation = Invitation.objects.create(
        company=other_company["company"],
        email="someone@example.com",
        role="buyer",
        nonce="x" * 32,
        expires_at="2099-01-01T00:00:00Z",
    )
    return {
        "member": other_company["member"].pk,
        "admin_member": other_company["admin"].pk,
        "ship_to": other_company["ship_to"].pk,
        "second": other_company["second"].pk,
        "invitation": invitation.pk,
    }


ID_URLS = [
    ("POST", "/company/members/{member}/role/", {"role": "admin"}),
    ("POST", "/company/members/{member}/deactivate/", {}),
    ("POST", "/company/members/{admin_member}/reactivate/", {}),
    ("POST", "/company/invitations/{invitation}/revoke/", {}),
    ("POST", "/company/invitations/{invitation}/resend/", {}),
    ("GET", "/company/addresses/{ship_to}/", {}),
    ("POST", "/company/addresses/{ship_to}/", {"label": "Hijack"}),
    ("POST", "/company/addresses/{second}/default/", {}),
    ("POST", "/company/addresses/{ship_to}/remove/", {}),
]


@pytest.mark.parametrize(("method", "path", "data"), ID_URLS)
def test_other_companies_ids_are_not_found(
    portal_client, admin, foreign, other_company, method, path, data
):
    portal_client.force_login(admin)
    url = path.format(**foreign)

    response = portal_client.get(url) if method == "GET" else portal_client.post(url, data)

    assert response.status_code == 404
    other_company["member"].refresh_from_db()
    assert other_company["member"].role == "buyer" and other_company["member"].is_active
    other_company["ship_to"].refresh_from_db()
    assert other_company["ship_to"].is_active and other_company["ship_to"].label == "Elsewhere"
    assert Invitation.objects.get(pk=foreign["invitation"]).revoked_at is None


@pytest.mark.parametrize(("method", "path", "data"), ID_URLS)
def test_nonexistent_and_absurd_ids_are_not_found(portal_client, admin, method, path, data):
    portal_client.force_login(admin)
    for value in (999999, 10**30):
        url = path.format(
            **dict.fromkeys(["member", "admin_member", "ship_to", "second", "invitation"], value)
        )
        response = portal_client.get(url) if method == "GET" else portal_client.post(url, data)
        assert response.status_code == 404


def test_an_admin_of_both_companies_acts_only_on_the_active_one(
    portal_client, company, other_company
):
    both = factories.MembershipFactory(company=company, role="admin").user
    factories.MembershipFactory(user=both, company=other_company["company"], role="admin")
    portal_client.force_login(both)
    portal_client.post("/company/switch/", {"company": company.pk})

    response = portal_client.post(f"/company/members/{other_company['member'].pk}/deactivate/")

    assert response.status_code == 404
    assert Membership.objects.get(pk=other_company["member"].pk).is_active
