"""Paying in instalments in the browser: a Gold consumer chooses three monthly
parts on the checkout page, sees the schedule before confirming, and finds it
on the order page."""

import pytest
from oscar.core.loading import get_model

from accounts.models import CustomerLoyalty, LoyaltyTier
from commerce.instalments.models import InstalmentOffer, InstalmentPlan
from tests import factories
from tests.browser.steps import APPROVED, choose_country, storefront_sign_in

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_gold_consumer_pays_in_three_instalments_and_sees_the_schedule(page, site_urls):
    base = site_urls["storefront"]
    factories.CountryFactory()
    tier = LoyaltyTier.objects.create(name="Gold", code="gold", rank=2, discount_percent="0")
    user = factories.UserFactory(email="gina.gold@example.com")
    CustomerLoyalty.objects.create(user=user, tier=tier)
    factories.credit_account(user=user, limit="1000.00")
    product = factories.ProductFactory(title="Espresso machine", stock__price="252.10")
    offer = InstalmentOffer.objects.create(name="Big-ticket items")
    offer.loyalty_tiers.add(tier)
    offer.products.add(product)

    storefront_sign_in(page, base, user)
    page.goto(base + product.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(base + "/checkout/shipping-address/")
    page.fill("#id_first_name", "Gina")
    page.fill("#id_last_name", "Gold")
    page.fill("#id_line1", "1 Test Street")
    page.fill("#id_line4", "Berlin")
    page.fill("#id_postcode", "10115")
    choose_country(page)
    page.click("#new_shipping_address button[type=submit]")
    page.wait_for_url("**/shipping-method/")
    page.locator("#content_inner form button[type=submit]").first.click()
    page.wait_for_url("**/payment-details/")

    choice = page.locator("#instalment_choice")
    assert "Pay in 3 monthly instalments (0 %)" in choice.inner_text()
    page.check("#instalments_3")
    page.fill("#id_number", APPROVED)
    page.fill("#id_expiry", "12/39")
    page.fill("#id_cvc", "123")
    page.click("#card_continue")
    page.wait_for_url("**/preview/")
    rows = page.locator("#instalment_schedule tbody tr")
    assert rows.count() == 3
    # 252.10 + 19 % VAT = 300.00: three parts of 100.00.
    assert "100.00" in rows.nth(0).inner_text()
    page.click("#place-order")
    page.wait_for_url("**/thank-you/")

    order = Order.objects.get()
    plan = InstalmentPlan.objects.get(order=order)
    assert plan.count == 3
    page.goto(base + f"/accounts/orders/{order.number}/")
    schedule = page.locator("#order_instalment_schedule tbody tr")
    assert schedule.count() == 3
    assert "Paid" in schedule.nth(0).inner_text()
    assert "Scheduled" in schedule.nth(1).inner_text()
    assert "Paid in 3 monthly instalments" in page.locator("#order_instalments").inner_text()
