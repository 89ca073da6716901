"""A dealer-fulfilled order in the browser: the consumer sees who delivers before
paying, the dealer accepts and ships in the portal, the consumer sees the tracking."""

import pytest
from oscar.core.loading import get_model

from tests import factories
from tests.browser.steps import address_and_card, storefront_sign_in
from tests.dealers.conftest import make_dealer, stock_dealer

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def test_consumer_buys_from_a_dealer_who_accepts_and_ships(page, site_urls, screenshot):
    from commerce.dealers.models import DealerAssortment

    factories.CountryFactory()
    bikes = factories.make_category("Bikes")
    DealerAssortment.objects.create(category=bikes)
    bike = factories.ProductFactory(title="City bike", stock__price="500.00", category=bikes)
    dealer = make_dealer("Berlin Bikes", rating="4.80", point=(52.53, 13.38))
    stock_dealer(dealer, bike, 3)
    dealer_admin = factories.MembershipFactory(company=dealer.company, role="admin").user
    consumer = factories.UserFactory()
    store, portal = site_urls["storefront"], site_urls["portal"]

    storefront_sign_in(page, store, consumer)
    page.goto(store + bike.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(store + "/checkout/shipping-address/")
    address_and_card(page, name=("Connie", "Consumer"), line1="Invalidenstr. 1")
    page.wait_for_url("**/preview/")
    assert "Delivered by Berlin Bikes" in page.inner_text("#delivered_by")
    page.click("#place-order")
    page.wait_for_url("**/thank-you/")
    order = Order.objects.get()
    page.goto(store + f"/accounts/orders/{order.number}/")
    assert "Delivered by Berlin Bikes" in page.inner_text("#order_dealer")

    dealer_page = page.context.browser.new_context().new_page()
    dealer_page.goto(portal + "/sign-in/")
    dealer_page.fill("#id_username", dealer_admin.email)
    dealer_page.fill("#id_password", factories.PASSWORD)
    dealer_page.click("button[type=submit]")
    dealer_page.goto(portal + "/dealer/orders/")
    dealer_page.click(f"text={order.number}")
    dealer_page.click("#dealer_accept")
    dealer_page.wait_for_selector("#dealer_ship")
    dealer_page.fill("input[name=carrier]", "DHL")
    dealer_page.fill("input[name=tracking_number]", "JJD000390007")
    dealer_page.click("#dealer_ship")
    dealer_page.wait_for_selector("#dealer_delivered")
    screenshot(dealer_page, "dealer-order-shipped")

    page.goto(store + f"/accounts/orders/{order.number}/")
    assert "DHL JJD000390007" in page.inner_text("#order_tracking")
    screenshot(page, "consumer-sees-dealer-tracking")
