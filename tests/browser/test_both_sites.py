"""First browser flow: open both sites, sign in on the portal, screenshot each."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalog():
    tools = factories.make_category("Hand tools")
    for n in range(6):
        factories.ProductFactory(title=f"Torque wrench {n}", category=tools)
    return tools


def test_storefront_home_and_catalogue(page, site_urls, screenshot, catalog):
    page.goto(site_urls["storefront"] + "/")

    assert page.locator(".sf-brand").is_visible()
    assert page.locator("#product_list .product-card").count() == 6
    assert screenshot(page, "storefront-home").stat().st_size > 10_000

    page.click("text=Hand tools")
    page.wait_for_selector("#result_count")
    assert "6" in page.inner_text("#result_count")


def test_portal_sign_in_lands_on_the_company_home(page, site_urls, screenshot, catalog):
    company = factories.CompanyFactory(name="Acme Industrial")
    member = factories.MembershipFactory(company=company, role="buyer")

    page.goto(site_urls["portal"] + "/")
    assert page.url.endswith("/sign-in/?next=%2F")
    screenshot(page, "portal-sign-in")

    page.fill("#id_username", member.user.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#company_card")

    assert "Acme Industrial" in page.inner_text("#company_card")
    assert page.locator(".pt-side").is_visible()
    assert page.title().startswith("Acme Industrial")
    screenshot(page, "portal-home")


def test_portal_sign_in_with_a_wrong_password_shows_an_error(page, site_urls, catalog):
    member = factories.MembershipFactory(role="buyer")

    page.goto(site_urls["portal"] + "/sign-in/")
    page.fill("#id_username", member.user.email)
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")

    assert page.locator(".alert-danger").is_visible()
