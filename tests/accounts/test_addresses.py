"""Company admins manage ship-to addresses (several, one default) and the bill-to."""

import pytest

from accounts.models import CompanyAddress

pytestmark = pytest.mark.django_db

NEW = {
    "label": "Warehouse East",
    "last_name": "Goods in",
    "line1": "Hafenweg 3",
    "line4": "Dresden",
    "postcode": "01067",
    "country": "DE",
}


def test_admin_adds_a_ship_to_and_makes_it_default(portal_client, admin, company):
    portal_client.force_login(admin)

    portal_client.post("/company/addresses/new/", {**NEW, "make_default": "on"})

    defaults = CompanyAddress.objects.filter(company=company, kind="ship_to", is_default=True)
    assert [a.label for a in defaults] == ["Warehouse East"]
    assert company.events.filter(kind="address_changed").count() == 1


def test_removing_the_default_promotes_another(portal_client, admin, company):
    portal_client.force_login(admin)
    portal_client.post("/company/addresses/new/", NEW)
    plant = CompanyAddress.objects.get(company=company, label="Plant")

    portal_client.post(f"/company/addresses/{plant.pk}/remove/")

    plant.refresh_from_db()
    assert not plant.is_active
    assert (
        CompanyAddress.objects.get(company=company, kind="ship_to", is_default=True).label
        == "Warehouse East"
    )


def test_admin_edits_the_bill_to(portal_client, admin, company):
    portal_client.force_login(admin)
    bill_to = CompanyAddress.objects.get(company=company, kind="bill_to")

    portal_client.post(f"/company/addresses/{bill_to.pk}/", {**NEW, "label": "Accounts"})

    bill_to.refresh_from_db()
    assert (bill_to.label, bill_to.kind, bill_to.line1) == ("Accounts", "bill_to", "Hafenweg 3")


def test_the_bill_to_cannot_be_removed(portal_client, admin, company):
    portal_client.force_login(admin)
    bill_to = CompanyAddress.objects.get(company=company, kind="bill_to")

    assert portal_client.post(f"/company/addresses/{bill_to.pk}/remove/").status_code == 404
    bill_to.refresh_from_db()
    assert bill_to.is_active


def test_a_bad_postcode_is_refused_and_nothing_changes(portal_client, admin, company):
    portal_client.force_login(admin)

    response = portal_client.post("/company/addresses/new/", {**NEW, "postcode": "ABC"})

    assert response.status_code == 200
    assert not CompanyAddress.objects.filter(label="Warehouse East").exists()


@pytest.mark.parametrize("role", ["approver", "buyer", "viewer"])
def test_only_admins_manage_addresses(portal_client, members, company, role):
    portal_client.force_login(members[role].user)
    plant = CompanyAddress.objects.get(company=company, label="Plant")

    created = portal_client.post("/company/addresses/new/", NEW)
    removed = portal_client.post(f"/company/addresses/{plant.pk}/remove/")

    assert (created.status_code, removed.status_code) == (403, 403)
    assert CompanyAddress.objects.filter(company=company, is_active=True).count() == 2


def test_every_member_sees_the_company_page(portal_client, members):
    portal_client.force_login(members["viewer"].user)

    response = portal_client.get("/company/")

    assert response.status_code == 200
    assert "Plant" in response.content.decode()
    assert "company_history" not in response.content.decode()
