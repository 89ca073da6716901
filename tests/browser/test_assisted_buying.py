"""A sales rep buys on a customer's behalf in the browser: from the company's
dashboard page to the portal with the banner, an order whose page names both
people, and the company's admin ending the session."""

import pytest
from oscar.core.loading import get_model

from accounts.models import AssistedSession
from accounts.staff_policy import staff_role_assign
from tests import factories

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_form(page, user):
    page.fill("#id_username", user.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")


def test_a_sales_rep_buys_on_behalf_and_the_admin_ends_it(
    chromium, site_urls, screenshot, settings
):
    settings.STOREFRONT_URL = site_urls["storefront"]
    settings.PORTAL_URL = site_urls["portal"]
    acme = factories.business("Acme Industrial")
    anna = factories.MembershipFactory(
        company=acme, role="buyer", user__first_name="Anna", user__last_name="Buyer"
    ).user
    alice = factories.MembershipFactory(
        company=acme, role="admin", user__first_name="Alice", user__last_name="Admin"
    ).user
    rep = factories.UserFactory(is_staff=True, first_name="Sam", last_name="Rep")
    staff_role_assign(user=rep, role_key="sales_rep")
    acme.sales_reps.add(rep)
    product = factories.ProductFactory(title="Pallet jack", stock=10, stock__price="120.00")
    rep_page = chromium.new_context().new_page()
    admin_page = chromium.new_context().new_page()

    # The rep starts from the company's dashboard page ...
    rep_page.goto(site_urls["storefront"] + "/accounts/login/")
    rep_page.fill("#id_login-username", rep.email)
    rep_page.fill("#id_login-password", factories.PASSWORD)
    rep_page.click("button[name=login_submit]")
    rep_page.goto(site_urls["storefront"] + f"/dashboard/companies/{acme.pk}/")
    form = rep_page.locator(f"form[data-assist-member='{anna.email}']")
    form.locator("input[name=reason]").fill("Phone order")
    form.locator("button[type=submit]").click()
    # ... signs in on the portal host (its own session) and confirms.
    rep_page.wait_for_selector("#id_username")
    sign_in_form(rep_page, rep)
    rep_page.wait_for_selector("#assisted_begin")
    rep_page.click("#assisted_begin_button")
    banner = rep_page.inner_text("#assisted_banner")
    assert "You are acting as Anna Buyer (Acme Industrial)" in banner
    assert "signed in as Sam Rep" in banner
    screenshot(rep_page, "portal-assisted-banner")

    rep_page.goto(site_urls["portal"] + product.get_absolute_url())
    assert rep_page.locator("#assisted_banner").is_visible()
    rep_page.click("#add_to_basket_form button[type=submit]")
    rep_page.goto(site_urls["portal"] + "/checkout/")
    rep_page.check("#pay_account")
    rep_page.click("#place_order")
    rep_page.wait_for_selector("#order_status")
    order = Order.objects.get()
    assert order.user == anna and order.placed_by_staff == rep
    rep_page.goto(site_urls["portal"] + f"/orders/{order.number}/")
    assert rep_page.inner_text("#placed_on_behalf") == "Placed by Sam Rep on behalf of Anna Buyer"
    screenshot(rep_page, "portal-order-placed-on-behalf")

    # The company's admin sees the session and ends it.
    admin_page.goto(site_urls["portal"] + "/sign-in/")
    sign_in_form(admin_page, alice)
    admin_page.wait_for_selector("#company_card")
    admin_page.click("#assisted_sessions_link")
    row = admin_page.locator("#assisted_sessions tbody tr").first
    assert "Sam Rep" in row.inner_text() and "Anna Buyer" in row.inner_text()
    screenshot(admin_page, "portal-assisted-sessions")
    row.locator("button[type=submit]").click()
    admin_page.wait_for_selector("text=no longer acts on behalf of Anna Buyer")

    session = AssistedSession.objects.get()
    assert session.ended_by == alice and session.end_reason == "customer"
    rep_page.goto(site_urls["portal"] + "/orders/")
    rep_page.wait_for_selector("#assisted_ended")
    assert rep_page.locator("#assisted_banner").count() == 0
    assert "Ended by a company admin" in rep_page.inner_text("#assisted_ended")
