"""Order flows in the browser: storefront guest checkout with a sandbox card,
portal quick order to an on-account checkout."""

import pytest
from oscar.core.loading import get_model

from tests import factories
from tests.browser.steps import DECLINED, address_and_card, storefront_sign_in

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def test_storefront_guest_checkout_with_the_sandbox_card(page, site_urls, screenshot):
    factories.CountryFactory()
    product = factories.ProductFactory(title="Cordless drill 18 V", stock=5, stock__price="89.00")
    base = site_urls["storefront"]

    page.goto(base + product.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(base + "/checkout/")
    page.fill("#id_username", "guest.shopper@example.com")
    page.check("input[name=options][value=anonymous]")
    page.click("#content_inner form button[type=submit]")
    address_and_card(page)
    page.wait_for_url("**/preview/")
    assert "Visa ending 4242" in page.inner_text("#payment_summary")
    page.click("#place-order")
    page.wait_for_url("**/thank-you/")
    screenshot(page, "storefront-thank-you")

    order = Order.objects.get()
    assert order.guest_email == "guest.shopper@example.com"
    assert order.number in page.content()


def test_storefront_declined_card_shows_a_message_and_takes_no_order(page, site_urls):
    factories.CountryFactory()
    product = factories.ProductFactory(stock=5)
    user = factories.UserFactory()
    base = site_urls["storefront"]
    storefront_sign_in(page, base, user)
    page.goto(base + product.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(base + "/checkout/shipping-address/")
    address_and_card(page, name=("Dee", "Clined"), line1="2 Test Street", card=DECLINED)
    page.wait_for_url("**/preview/")
    page.click("#place-order")
    page.wait_for_url("**/payment-details/")

    assert "declined" in page.content()
    assert not Order.objects.exists()


def test_portal_quick_order_then_on_account_checkout(page, site_urls, screenshot):
    company = factories.CompanyFactory(name="Acme Industrial")
    factories.CompanyAddressFactory(company=company, label="Plant", is_default=True)
    factories.credit_account(company, limit="50000.00")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    factories.ProductFactory(upc="BOLT-M8", title="Hex bolt M8", stock=500)
    factories.ProductFactory(upc="NUT-M8", title="Hex nut M8", stock=500, order_multiple=10)
    base = site_urls["portal"]

    page.goto(base + "/sign-in/")
    page.fill("#id_username", buyer.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#company_card")
    page.goto(base + "/quick-order/")
    skus = page.locator("input[name=sku]")
    quantities = page.locator("input[name=quantity]")
    skus.nth(0).fill("BOLT-M8")
    quantities.nth(0).fill("25")
    skus.nth(1).fill("NUT-M8")
    quantities.nth(1).fill("7")
    page.click("#quick_order_submit")
    assert "sold in packs of 10" in page.inner_text("#quick_order_results")
    screenshot(page, "portal-quick-order-errors")

    page.locator("input[name=quantity]").nth(1).fill("20")
    page.click("#quick_order_submit")
    page.wait_for_url("**/basket/")
    page.goto(base + "/checkout/")
    page.fill("#id_po_number", "PO-4711")
    page.check("#pay_account")
    assert "Available credit" in page.inner_text("#available_credit")
    screenshot(page, "portal-checkout")
    page.click("#place_order")
    page.wait_for_selector("#order_status")
    screenshot(page, "portal-order")

    order = Order.objects.get()
    assert (order.company, order.po_number, order.payment_method) == (company, "PO-4711", "account")
    assert order.num_items == 45
