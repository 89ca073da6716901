"""In the Django admin only a superuser grants superuser, staff status or a
staff role: the Administrator role sees those fields read-only, a forged POST
of them changes nothing, and superusers' accounts are out of its reach."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import Membership
from accounts.staff_policy import ensure_staff_roles
from tests import factories
from tests.backoffice.conftest import dashboard_client, staff

pytestmark = pytest.mark.django_db


def change_form_data(client, user) -> dict:
    """What the admin's change form would send back for ``user``, unchanged."""
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        widget_value = form[name].value()
        if hasattr(field, "fields"):  # split date and time
            widget_value = form.fields[name].widget.decompress(widget_value)
            for i, part in enumerate(widget_value):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(widget_value, list):
            data[name] = [str(v) for v in widget_value]
        elif widget_value is None or widget_value is False:
            continue
        else:
            data[name] = "on" if widget_value is True else str(widget_value)
    return data


@pytest.fixture
def administrator(db):
    return staff("administrator", email="admin-role@example.com")


def forged_grants(groups) -> dict:
    return {
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [str(g.pk) for g in groups.values()],
        "user_permissions": [str(p.pk) for p in Permission.objects.all()[:5]],
    }


def test_the_administrator_cannot_make_itself_superuser(administrator):
    client = dashboard_client(administrator)
    groups = ensure_staff_roles()
    data = {**change_form_data(client, administrator), **forged_grants(groups)}

    response = client.post(f"/admin/accounts/user/{administrator.pk}/change/", data)

    assert response.status_code == 302, response.content[:2000]
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert set(administrator.groups.values_list("name", flat=True)) == {"Administrator"}
    assert not administrator.user_permissions.exists()


def test_the_administrator_cannot_make_a_customer_staff_or_give_a_staff_role(administrator):
    customer = factories.UserFactory(email="buyer@acme.example")
    factories.MembershipFactory(user=customer)
    client = dashboard_client(administrator)
    groups = ensure_staff_roles()
    data = {**change_form_data(client, customer), **forged_grants(groups)}
    data["first_name"] = "Changed"

    client.post(f"/admin/accounts/user/{customer.pk}/change/", data)

    customer.refresh_from_db()
    assert customer.first_name == "Changed"  # ordinary fields still work
    assert (customer.is_staff, customer.is_superuser) == (False, False)
    assert not customer.groups.exists()


def test_the_grant_fields_are_read_only_for_the_administrator(administrator):
    client = dashboard_client(administrator)
    other = factories.UserFactory()

    form = client.get(f"/admin/accounts/user/{other.pk}/change/").context["adminform"].form

    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(form.fields)


def test_a_superusers_account_is_out_of_the_administrators_reach(administrator):
    root = staff(is_superuser=True, email="root@example.com")
    client = dashboard_client(administrator)

    change = client.get(f"/admin/accounts/user/{root.pk}/change/")
    password = client.post(
        f"/admin/accounts/user/{root.pk}/password/",
        {"password1": "taken-over-123X", "password2": "taken-over-123X"},
    )
    delete = client.post(f"/admin/accounts/user/{root.pk}/delete/", {"post": "yes"})

    assert (password.status_code, delete.status_code) == (403, 403)
    assert change.status_code in (200, 403) and "is_superuser" not in (
        change.context["adminform"].form.fields if change.status_code == 200 else {}
    )
    root.refresh_from_db()
    assert root.check_password(factories.PASSWORD)


def test_the_administrator_cannot_add_a_staff_account_to_a_company_in_the_admin(administrator):
    company = factories.CompanyFactory(name="Acme Industrial")
    rep = staff("sales_rep", email="rep@example.com")
    client = dashboard_client(administrator)

    client.post(
        "/admin/accounts/membership/add/",
        {"user": rep.pk, "company": company.pk, "role": "admin", "is_active": "on"},
    )

    assert not Membership.objects.filter(user=rep).exists()


def test_a_superuser_still_grants_roles(administrator):
    root = staff(is_superuser=True)
    client = dashboard_client(root)
    target = factories.UserFactory()
    groups = ensure_staff_roles()
    data = change_form_data(client, target)
    data.update(is_staff="on", groups=[str(groups["credit_controller"].pk)])

    client.post(f"/admin/accounts/user/{target.pk}/change/", data)

    target.refresh_from_db()
    assert target.is_staff
    assert list(target.groups.all()) == [Group.objects.get(name="Credit controller")]
