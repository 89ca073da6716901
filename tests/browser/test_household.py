"""Household accounts in the browser: a member's over-budget order is
approved by the household's owner."""

import pytest
from oscar.core.loading import get_model

from commerce.households import services
from commerce.order import status as order_status
from tests import factories
from tests.browser.steps import address_and_card, storefront_sign_in

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_household_members_over_budget_order_is_approved_by_the_owner(
    chromium, site_urls, screenshot
):
    factories.CountryFactory()
    owner = factories.UserFactory(email="parent@home.example", first_name="Pat")
    kid = factories.UserFactory(email="kid@home.example", first_name="Kit")
    household = services.household_create(owner=owner, name="The Smiths")
    invitation = services.invitation_create(
        household=household, actor=owner, email=kid.email, monthly_budget="20.00"
    )
    product = factories.ProductFactory(title="Game console", stock=5, stock__price="250.00")
    base = site_urls["storefront"]
    kid_page = chromium.new_context().new_page()
    owner_page = chromium.new_context().new_page()

    # The member joins through the link, then orders over the budget.
    storefront_sign_in(kid_page, base, kid)
    kid_page.goto(base + f"/household/join/{services.invitation_token(invitation)}/")
    kid_page.click("#household_join_submit")
    kid_page.wait_for_url("**/accounts/household/")
    assert "€20.00 left of your €20.00 budget" in kid_page.inner_text("#household_budget_left")
    kid_page.goto(base + product.get_absolute_url())
    kid_page.click("#add_to_basket_form button[type=submit]")
    kid_page.goto(base + "/checkout/shipping-address/")
    address_and_card(kid_page, name=("Kit", "Smith"))
    kid_page.wait_for_url("**/preview/")
    assert "Pat" in kid_page.inner_text("#household_over_budget")
    screenshot(kid_page, "storefront-household-over-budget")
    kid_page.click("#place-order")
    kid_page.wait_for_url("**/thank-you/")
    order = Order.objects.get()
    assert order.status == order_status.PENDING_APPROVAL

    # The owner approves it on the Household page.
    storefront_sign_in(owner_page, base, owner)
    owner_page.goto(base + "/accounts/household/")
    assert str(order.number) in owner_page.inner_text("#household_pending")
    screenshot(owner_page, "storefront-household-owner")
    owner_page.click(f"[data-approve='{order.number}']")
    owner_page.wait_for_selector("text=Nothing is waiting.")
    order.refresh_from_db()
    assert order.status == order_status.PLACED

    # The member sees it approved.
    kid_page.goto(base + "/accounts/household/")
    assert "Approved" in kid_page.inner_text(f"#my_request_{order.number}")
