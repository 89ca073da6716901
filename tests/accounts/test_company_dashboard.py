"""Staff manage companies, members and addresses in the dashboard."""

import pytest

from accounts.models import Company, Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(storefront_client):
    storefront_client.force_login(factories.StaffFactory())
    return storefront_client


def test_list_searches_and_filters(staff_client):
    factories.CompanyFactory(name="Acme Industrial", status=Company.Status.ACTIVE)
    factories.CompanyFactory(name="Initech", status=Company.Status.PENDING)

    everyone = staff_client.get("/dashboard/companies/")
    pending = staff_client.get("/dashboard/companies/", {"status": "pending"})
    by_name = staff_client.get("/dashboard/companies/", {"q": "acme"})

    assert [c.name for c in everyone.context["companies"]] == ["Acme Industrial", "Initech"]
    assert [c.name for c in pending.context["companies"]] == ["Initech"]
    assert [c.name for c in by_name.context["companies"]] == ["Acme Industrial"]


def test_list_finds_a_company_by_a_member_email(staff_client):
    membership = factories.MembershipFactory(user__email="finder@acme.example")

    response = staff_client.get("/dashboard/companies/", {"q": "finder@"})

    assert list(response.context["companies"]) == [membership.company]


def test_detail_shows_members_addresses_and_history(staff_client):
    membership = factories.MembershipFactory(role="admin")
    factories.CompanyAddressFactory(company=membership.company, label="Dock 4")

    response = staff_client.get(f"/dashboard/companies/{membership.company.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert membership.user.email in page and "Dock 4" in page


def test_hold_release_and_close(staff_client):
    company = factories.CompanyFactory(status=Company.Status.ACTIVE)
    url = f"/dashboard/companies/{company.pk}/status/"

    staff_client.post(url, {"status": "on_hold", "reason": "overdue invoices"})
    company.refresh_from_db()
    assert company.status == "on_hold"
    staff_client.post(url, {"status": "active"})
    company.refresh_from_db()
    assert company.status == "active"
    staff_client.post(url, {"status": "closed"})
    company.refresh_from_db()
    assert company.status == "closed"
    assert [e.data["to"] for e in company.events.order_by("pk")] == ["on_hold", "active", "closed"]
    assert company.events.order_by("pk").first().data["reason"] == "overdue invoices"


def test_staff_edit_details(staff_client):
    company = factories.CompanyFactory(name="Old Name")

    staff_client.post(
        f"/dashboard/companies/{company.pk}/edit/",
        {"name": "New Name", "tax_id": "DE1", "email": "", "phone": "", "po_number_required": "on"},
    )

    company.refresh_from_db()
    assert (company.name, company.po_number_required) == ("New Name", True)


def test_staff_edit_with_a_duplicate_tax_id_is_refused(staff_client):
    factories.CompanyFactory(tax_id="DE-TAKEN")
    company = factories.CompanyFactory(name="Mine", tax_id="DE-MINE")

    response = staff_client.post(
        f"/dashboard/companies/{company.pk}/edit/",
        {"name": "Mine", "tax_id": "DE-TAKEN", "email": "", "phone": ""},
    )

    assert response.status_code == 400
    company.refresh_from_db()
    assert company.tax_id == "DE-MINE"


def test_staff_add_an_existing_account_and_change_a_role(staff_client):
    company = factories.MembershipFactory(role="admin").company
    person = factories.UserFactory(email="joiner@example.com")

    staff_client.post(
        f"/dashboard/companies/{company.pk}/members/add/",
        {"email": "joiner@example.com", "role": "viewer"},
    )
    membership = Membership.objects.get(user=person)
    staff_client.post(
        f"/dashboard/companies/{company.pk}/members/{membership.pk}/",
        {"role": "approver", "is_active": "on"},
    )

    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == ("approver", True)


def test_staff_cannot_remove_the_last_admin_either(staff_client):
    membership = factories.MembershipFactory(role="admin")

    response = staff_client.post(
        f"/dashboard/companies/{membership.company.pk}/members/{membership.pk}/",
        {"role": "admin"},  # unticked: deactivate
        follow=True,
    )

    assert "last active admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active


def test_staff_edit_an_address(staff_client):
    address = factories.CompanyAddressFactory(label="Dock 1")
    url = f"/dashboard/companies/{address.company.pk}/addresses/{address.pk}/"

    form = staff_client.get(url)
    saved = staff_client.post(
        url,
        {
            "label": "Dock 2",
            "last_name": "Receiving",
            "line1": "2 Dock Road",
            "line4": "Berlin",
            "postcode": "10115",
            "country": "DE",
        },
    )

    assert form.status_code == 200
    assert saved.status_code == 302
    address.refresh_from_db()
    assert (address.label, address.line1) == ("Dock 2", "2 Dock Road")


def test_an_address_of_another_company_is_not_found(staff_client):
    address = factories.CompanyAddressFactory()
    other = factories.CompanyFactory()

    assert (
        staff_client.get(f"/dashboard/companies/{other.pk}/addresses/{address.pk}/").status_code
        == 404
    )


def test_customers_cannot_reach_the_company_dashboard(storefront_client):
    company = factories.CompanyFactory()
    storefront_client.force_login(factories.MembershipFactory(company=company, role="admin").user)

    for url in ("/dashboard/companies/", f"/dashboard/companies/{company.pk}/"):
        assert storefront_client.get(url).status_code in (302, 403)
    storefront_client.post(f"/dashboard/companies/{company.pk}/status/", {"status": "closed"})
    company.refresh_from_db()
    assert company.status == "active"


def test_the_django_admin_lists_companies_memberships_and_addresses(staff_client):
    factories.CompanyAddressFactory()

    for url in (
        "/admin/accounts/company/",
        "/admin/accounts/membership/",
        "/admin/accounts/companyaddress/",
    ):
        assert staff_client.get(url).status_code == 200
