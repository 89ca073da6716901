"""Staff roles: each role reaches exactly its dashboard sections (URLs and menu),
the Django admin follows, and a sales rep sees only the companies they represent."""

import io

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts import staff_policy as roles
from accounts.exceptions import NotStaff
from accounts.services import company_set_sales_reps
from accounts.staff_policy import ROLES, SECTIONS, ensure_staff_roles
from tests import factories
from tests.backoffice.conftest import dashboard_client, pending_order, place_portal, staff

pytestmark = pytest.mark.django_db

# One page of each dashboard section, and the menu label that leads to it.
SECTION_PAGES = {
    "catalogue_dashboard": ("dashboard:catalogue-product-list", "Products"),
    "ranges_dashboard": ("dashboard:range-list", "Ranges"),
    "partners_dashboard": ("dashboard:partner-list", "Partners"),
    "reviews_dashboard": ("dashboard:reviews-list", "Reviews"),
    "offers_dashboard": ("dashboard:offer-list", "Offers"),
    "vouchers_dashboard": ("dashboard:voucher-list", "Vouchers"),
    "pages_dashboard": ("dashboard:page-list", "Pages"),
    "communications_dashboard": ("dashboard:comms-list", "Email templates"),
    "shipping_dashboard": ("dashboard:shipping-method-list", None),
    "users_dashboard": ("dashboard:users-index", "Customers"),
    "orders_dashboard": ("dashboard:order-list", "Orders"),
    "reports_dashboard": ("dashboard:reports-index", None),
    "companies_dashboard": ("dashboard:company-list", "Companies"),
    "pricing_dashboard": ("dashboard:pricelist-list", "Price lists"),
    "imports_dashboard": ("dashboard:import-list", "Imports"),
    "billing_dashboard": ("dashboard:credit-account-list", "Credit accounts"),
    "approvals_dashboard": ("dashboard:approval-list", "Approvals"),
    "quotes_dashboard": ("dashboard:quote-list", "Quotes"),
    "sales_reports_dashboard": ("dashboard:sales-report-index", "Sales reports"),
}


def section_url(label):
    try:
        return reverse(SECTION_PAGES[label][0])
    except NoReverseMatch:  # a hidden Oscar feature (reviews) has no URLs
        return None


def test_every_dashboard_section_is_in_the_role_table_and_guarded_by_its_permission():
    configs = roles.dashboard_configs()
    reverse("dashboard:index")  # builds the URLs, which applies the table

    assert {c.label for c in configs} <= set(SECTIONS)
    assert set(SECTION_PAGES) <= {c.label for c in configs}
    for config in configs:
        for pattern in config.urls[0]:
            if getattr(pattern, "name", None):
                assert config.get_permissions(pattern.name) == [
                    "is_staff",
                    f"accounts.access_{config.label}",
                ], (config.label, pattern.name)


@pytest.mark.parametrize("role_key", sorted(ROLES))
def test_each_role_reaches_exactly_its_sections(role_key):
    client = dashboard_client(staff(role_key))
    allowed = set(ROLES[role_key].sections)

    outcomes = {}
    for label in SECTION_PAGES:
        url = section_url(label)
        if url is not None:
            outcomes[label] = client.get(url).status_code

    expected = {label: 200 if label in allowed else 403 for label in outcomes}
    assert outcomes == expected


@pytest.mark.parametrize("role_key", sorted(ROLES))
def test_the_menu_shows_each_role_only_its_sections(role_key):
    client = dashboard_client(staff(role_key))
    allowed = set(ROLES[role_key].sections)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    nav = response.content.decode().split("navbar-primary", 1)[1].split("</nav>", 1)[0]
    for label, (_url_name, menu_label) in SECTION_PAGES.items():
        url = section_url(label)
        if url is None or menu_label is None:
            continue
        assert (f'href="{url}"' in nav) == (label in allowed), (label, menu_label)


def test_signed_out_staff_pages_go_to_the_login_and_roleless_staff_are_refused():
    anonymous = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    roleless = dashboard_client(staff())

    response = anonymous.get("/dashboard/orders/")

    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/login/")
    assert roleless.get("/dashboard/").status_code == 200
    for label in SECTION_PAGES:
        url = section_url(label)
        if url is not None:
            assert roleless.get(url).status_code == 403, label


def test_a_superuser_reaches_every_section():
    client = dashboard_client(staff(is_superuser=True))

    for label in SECTION_PAGES:
        url = section_url(label)
        if url is not None:
            assert client.get(url).status_code == 200, label


def test_roles_are_groups_created_idempotently_with_their_admin_permissions():
    first = {
        k: set(g.permissions.values_list("pk", flat=True)) for k, g in ensure_staff_roles().items()
    }
    again = {
        k: set(g.permissions.values_list("pk", flat=True)) for k, g in ensure_staff_roles().items()
    }

    assert first == again
    assert Group.objects.filter(name__in=[r.name for r in ROLES.values()]).count() == len(ROLES)
    catalog = Group.objects.get(name="Catalog manager")
    codenames = set(catalog.permissions.values_list("content_type__app_label", "codename"))
    assert ("catalogue", "change_product") in codenames
    assert ("partner", "change_stockrecord") in codenames
    assert not any(app == "billing" for app, _ in codenames)
    rep = Group.objects.get(name="Sales rep")
    assert set(rep.permissions.values_list("codename", flat=True)) == {
        f"access_{label}" for label in ROLES["sales_rep"].sections
    }


def test_the_django_admin_follows_the_roles():
    catalog = dashboard_client(staff("catalog_manager"))
    credit = dashboard_client(staff("credit_controller"))
    rep = dashboard_client(staff("sales_rep"))

    assert catalog.get("/admin/catalogue/product/").status_code == 200
    assert catalog.get("/admin/partner/pricelist/").status_code == 200
    assert catalog.get("/admin/accounts/company/").status_code == 403
    assert catalog.get("/admin/order/order/").status_code == 403
    assert credit.get("/admin/accounts/company/").status_code == 200
    assert credit.get("/admin/order/order/").status_code == 200
    assert credit.get("/admin/catalogue/product/").status_code == 403
    assert credit.get("/admin/partner/pricelist/").status_code == 403
    assert rep.get("/admin/accounts/company/").status_code == 403
    assert rep.get("/admin/order/order/").status_code == 403


def test_a_sales_rep_sees_only_assigned_companies(acme, globex):
    rep = staff("sales_rep")
    acme.sales_reps.add(rep)
    client = dashboard_client(rep)
    acme_request = pending_order(acme).approval
    globex_request = pending_order(globex).approval

    listing = client.get("/dashboard/companies/").content.decode()
    approvals = client.get("/dashboard/approvals/").content.decode()

    assert "Acme Industrial" in listing
    assert "Globex Supply" not in listing
    assert client.get(f"/dashboard/companies/{acme.pk}/").status_code == 200
    assert client.get(f"/dashboard/companies/{globex.pk}/").status_code == 404
    assert (
        client.post(f"/dashboard/companies/{globex.pk}/status/", {"status": "on_hold"}).status_code
        == 404
    )
    assert str(acme_request.order.number) in approvals
    assert str(globex_request.order.number) not in approvals
    assert client.get(f"/dashboard/approvals/{acme_request.pk}/").status_code == 200
    assert client.get(f"/dashboard/approvals/{globex_request.pk}/").status_code == 404


def test_the_credit_controller_sees_every_company(acme, globex):
    listing = dashboard_client(staff("credit_controller")).get("/dashboard/companies/")

    assert "Acme Industrial" in listing.content.decode()
    assert "Globex Supply" in listing.content.decode()


def test_the_management_command_creates_the_groups(db):
    from django.core.management import call_command

    Group.objects.all().delete()
    out = io.StringIO()
    call_command("ensure_staff_roles", stdout=out)

    assert set(Group.objects.values_list("name", flat=True)) >= {r.name for r in ROLES.values()}
    assert "Sales rep:" in out.getvalue()
    assert apps.get_app_config("sales_reports_dashboard").label in SECTIONS


def test_a_sales_rep_home_shows_their_companies_not_the_shop_totals(acme, globex):
    rep = staff("sales_rep")
    acme.sales_reps.add(rep)
    acme_order = place_portal(acme)
    globex_order = place_portal(globex)

    page = dashboard_client(rep).get("/dashboard/")
    shop = dashboard_client(staff("credit_controller")).get("/dashboard/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "total_orders" not in page.context
    assert "Acme Industrial" in html
    assert str(acme_order.number) in html
    assert "Globex Supply" not in html
    assert str(globex_order.number) not in html
    assert shop.context["total_orders"] == 2


def test_staff_who_see_every_company_assign_its_sales_reps(acme):
    rep = staff("sales_rep")
    controller = dashboard_client(staff("credit_controller"))

    page = controller.get(f"/dashboard/companies/{acme.pk}/").content.decode()
    response = controller.post(
        f"/dashboard/companies/{acme.pk}/sales-reps/", {"sales_reps": [rep.pk]}
    )

    assert 'id="sales_reps"' in page and rep.email in page
    assert response.status_code == 302
    assert list(acme.sales_reps.all()) == [rep]
    assert acme.events.filter(message__contains=rep.email).exists()
    assert dashboard_client(rep).get(f"/dashboard/companies/{acme.pk}/").status_code == 200


def test_a_sales_rep_cannot_assign_reps_and_non_reps_cannot_be_assigned(acme):
    rep = staff("sales_rep")
    acme.sales_reps.add(rep)
    other = staff("sales_rep")
    customer = factories.UserFactory()
    controller = dashboard_client(staff("credit_controller"))

    refused = dashboard_client(rep).post(
        f"/dashboard/companies/{acme.pk}/sales-reps/", {"sales_reps": [rep.pk, other.pk]}
    )
    invalid = controller.post(
        f"/dashboard/companies/{acme.pk}/sales-reps/", {"sales_reps": [customer.pk]}, follow=True
    )

    assert refused.status_code == 403
    assert list(acme.sales_reps.all()) == [rep]
    assert any("Choose sales reps" in str(m) for m in invalid.context["messages"])
    assert list(acme.sales_reps.all()) == [rep]
    with pytest.raises(NotStaff):
        company_set_sales_reps(company=acme, reps=[customer], actor=None)


def test_only_credit_staff_approve_hold_or_close_companies(acme):
    rep = staff("sales_rep")
    acme.sales_reps.add(rep)
    rep_client = dashboard_client(rep)
    controller = dashboard_client(staff("credit_controller"))

    rep_page = rep_client.get(f"/dashboard/companies/{acme.pk}/")
    refused = rep_client.post(f"/dashboard/companies/{acme.pk}/status/", {"status": "on_hold"})
    held = controller.post(f"/dashboard/companies/{acme.pk}/status/", {"status": "on_hold"})

    assert rep_page.context["status_actions"] == []
    assert refused.status_code == 403
    assert held.status_code == 302
    acme.refresh_from_db()
    assert acme.status == "on_hold"


def test_a_sales_rep_given_billing_sees_only_their_companies_accounts(acme, globex):
    from django.contrib.auth.models import Permission

    from commerce.billing import credit as billing_credit
    from tests.backoffice.conftest import invoiced

    rep = staff("sales_rep")
    rep.user_permissions.add(Permission.objects.get(codename="access_billing_dashboard"))
    acme.sales_reps.add(rep)
    client = dashboard_client(rep)
    acme_invoice = invoiced(place_portal(acme, net="520.00"), days_overdue=3)
    globex_invoice = invoiced(place_portal(globex, net="520.00"), days_overdue=3)
    globex_account = billing_credit.account_for_company(globex)

    accounts = client.get("/dashboard/billing/accounts/").content.decode()
    invoices = client.get("/dashboard/billing/invoices/").content.decode()
    aging_csv = client.get("/dashboard/billing/aging/", {"format": "csv"}).content.decode()

    assert "Acme Industrial" in accounts and "Globex Supply" not in accounts
    assert acme_invoice.number in invoices and globex_invoice.number not in invoices
    assert "Acme Industrial" in aging_csv and "Globex Supply" not in aging_csv
    assert client.get(f"/dashboard/billing/accounts/{globex_account.pk}/").status_code == 404
    assert client.get(f"/dashboard/billing/invoices/{globex_invoice.number}/").status_code == 404
    assert client.get(f"/dashboard/billing/invoices/{acme_invoice.number}/").status_code == 200


def test_migrate_leaves_every_role_group_with_its_permissions():
    """No command to remember after a deploy: migrate keeps the groups in step."""
    Group.objects.filter(name__in=[role.name for role in ROLES.values()]).delete()

    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    groups = {g.name: g for g in Group.objects.filter(name__in=[r.name for r in ROLES.values()])}
    assert set(groups) == {role.name for role in ROLES.values()}
    for role in ROLES.values():
        codenames = set(groups[role.name].permissions.values_list("codename", flat=True))
        assert {SECTIONS[label].codename for label in role.sections} <= codenames
