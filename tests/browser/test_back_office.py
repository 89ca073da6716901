"""Back office in the browser: a catalog manager imports products (a file with
an error first, then a good one), and the product appears on the storefront
only; a credit controller finds the order waiting for approval on the desk."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from accounts.staff_policy import staff_role_assign
from commerce.approvals.models import ApprovalRule
from tests import factories
from tests.backoffice.conftest import place_portal

Product = get_model("catalogue", "Product")
pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "sku,title,product_class,categories,channels,stock:central,price:central"


def staff_sign_in(page, base, role):
    user = factories.StaffFactory(is_superuser=False)
    staff_role_assign(user=user, role_key=role)
    page.goto(base + "/accounts/login/")
    page.fill("#id_login-username", user.email)
    page.fill("#id_login-password", factories.PASSWORD)
    page.click("button[name=login_submit]")
    page.goto(base + "/dashboard/")
    return page.inner_text("#bottom_nav_bar")


def import_file(page, base, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.goto(base + "/dashboard/catalogue/products/import/")
    page.set_input_files("#import_form input[type=file]", str(path))
    page.click("#import_form button[type=submit]")
    page.wait_for_selector("#job_status[data-status=invalid], #job_status[data-status=ready]")


def test_a_catalog_manager_imports_products_after_a_dry_run(page, site_urls, screenshot, tmp_path):
    factories.ProductClassFactory(name="Tools", slug="tools")
    factories.make_category("Tools")
    factories.PartnerFactory(code="central", name="Central")
    base = site_urls["storefront"]
    menu = staff_sign_in(page, base, "catalog_manager")
    assert "Catalogue" in menu and "Credit & invoices" not in menu and "Companies" not in menu

    import_file(
        page,
        base,
        tmp_path,
        "bad.csv",
        f"{HEADER}\nBO-1,Bench vise,Tools,Tools,both,4,not-a-price\n",
    )
    assert page.get_attribute("#job_status", "data-status") == "invalid"
    errors = page.inner_text("#job_errors")
    assert "price:central" in errors and "2" in errors
    assert not Product.objects.exists()

    import_file(
        page,
        base,
        tmp_path,
        "good.csv",
        f"{HEADER}\nBO-1,Bench vise,Tools,Tools,storefront,4,80.00\n"
        "BO-2,Pipe clamp,Tools,Tools,portal,9,12.50\n",
    )
    screenshot(page, "dashboard-product-import-dry-run")
    assert not Product.objects.exists()  # checked, not applied
    page.click("#apply_button")
    page.wait_for_selector("#job_status[data-status=done]")
    assert set(Product.objects.values_list("upc", "channels")) == {
        ("BO-1", "storefront"),
        ("BO-2", "portal"),
    }

    page.goto(base + "/search/?q=BO-1")
    assert "Bench vise" in page.content()
    page.goto(base + "/search/?q=BO-2")
    assert "Pipe clamp" not in page.content()


def test_the_order_desk_finds_an_order_waiting_for_approval(page, site_urls, screenshot):
    company = factories.business("Acme Industrial")
    ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal("500.00"))
    waiting = place_portal(company, net="100.00", quantity=10)
    place_portal(company, net="20.00")  # placed at once: under the threshold
    base = site_urls["storefront"]
    menu = staff_sign_in(page, base, "credit_controller")
    assert "Credit & invoices" in menu and "API tokens" not in menu

    page.goto(base + "/dashboard/orders/")
    rows = page.locator("#order_desk tr.order-row")
    assert rows.count() == 2
    page.goto(base + "/dashboard/orders/?pending_approval=on")  # the filter form's query
    numbers = page.locator("#order_desk tr.order-row").evaluate_all(
        "rows => rows.map(row => row.dataset.number)"
    )
    assert numbers == [str(waiting.number)]
    page.click(f"#order_desk a:text-is('{waiting.number}')")
    page.wait_for_selector("#awaiting_approval")
    screenshot(page, "dashboard-order-awaiting-approval")
    assert "Pending approval" in page.inner_text("#awaiting_approval").replace("\n", " ")
