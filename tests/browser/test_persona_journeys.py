"""Each persona's main job in the browser at a desktop and a phone width, with
no horizontal scrolling on any page they visit at 390 px: a consumer buys with
a card, a business buyer quick-orders on account, an approver approves, staff
move an order on the desk."""

import pytest
from oscar.core.loading import get_model

from commerce.order import status as order_status
from tests.browser.site_tour import (
    WIDTHS,
    build_world,
    horizontal_overflow,
    sign_in_portal,
    sign_in_storefront,
)

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


class Visit:
    """A browser context at one width that checks every page it lands on."""

    def __init__(self, chromium, width_name, screenshot, persona):
        width, height = WIDTHS[width_name]
        self.context = chromium.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.width, self.height, self.name = width, height, f"{persona}-{width_name}"
        self.screenshot, self.steps, self.overflows = screenshot, 0, []

    def check(self):
        self.page.wait_for_load_state("load")
        if self.width <= 390 and (overflow := horizontal_overflow(self.page)):
            self.overflows.append((self.page.url, overflow))
        self.steps += 1
        self.screenshot(self.page, f"journey-{self.name}-{self.steps:02d}")

    def close(self):
        self.context.close()
        assert self.overflows == [], self.overflows


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_consumer_buys_with_a_card(chromium, site_urls, screenshot, world, width):
    base = site_urls["storefront"]
    visit = Visit(chromium, width, screenshot, "consumer")
    page = visit.page
    sign_in_storefront(page, base, world.consumer)
    page.goto(base + world.product.get_absolute_url())
    visit.check()
    add = page.locator("#add_to_basket_form button[type=submit]")
    box = add.bounding_box()
    assert box["y"] + box["height"] <= visit.height, "Add to basket is below the first screen"
    assert page.locator("#add_to_basket_form input[name=quantity]").is_visible()
    page.fill("#add_to_basket_form input[name=quantity]", "2")
    add.click()
    page.goto(base + "/basket/")
    visit.check()
    page.goto(base + "/checkout/shipping-address/")
    visit.check()
    page.fill("#id_first_name", "Cora")
    page.fill("#id_last_name", "Consumer")
    page.fill("#id_line1", "1 Test Street")
    page.fill("#id_line4", "Berlin")
    page.fill("#id_postcode", "10115")
    if page.locator("select#id_country").count():
        page.select_option("select#id_country", "DE")
    page.click("#new_shipping_address button[type=submit]")
    page.wait_for_url("**/shipping-method/")
    visit.check()
    page.locator("#content_inner form button[type=submit]").first.click()
    page.wait_for_url("**/payment-details/")
    visit.check()
    page.fill("#id_number", "4242 4242 4242 4242")
    page.fill("#id_expiry", "12/39")
    page.fill("#id_cvc", "123")
    page.click("#card_continue")
    page.wait_for_url("**/preview/")
    visit.check()
    page.click("#place-order")
    page.wait_for_url("**/thank-you/")
    visit.check()
    visit.close()

    order = Order.objects.get(user=world.consumer)
    assert order.num_items == 2


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_buyer_quick_orders_on_account(chromium, site_urls, screenshot, world, width):
    base = site_urls["portal"]
    visit = Visit(chromium, width, screenshot, "buyer")
    page = visit.page
    sign_in_portal(page, base, world.members["buyer"])
    visit.check()
    if width == "phone":
        assert not page.locator("#portal_nav").is_visible()
        page.click("#menu_button")
        page.wait_for_selector("#portal_nav a[href='/quick-order/']", state="visible")
        page.click("#portal_nav a[href='/quick-order/']")
    else:
        page.goto(base + "/quick-order/")
    page.wait_for_url("**/quick-order/")
    visit.check()
    page.locator("input[name=sku]").nth(0).fill(world.product.upc)
    page.locator("input[name=quantity]").nth(0).fill("3")
    page.click("#quick_order_submit")
    page.wait_for_url("**/basket/")
    visit.check()
    page.goto(base + "/checkout/")
    visit.check()
    page.fill("#id_po_number", "PO-4711")
    page.check("#pay_account")
    page.click("#place_order")
    page.wait_for_selector("#order_status")
    visit.check()
    visit.close()

    order = Order.objects.get(po_number="PO-4711")
    assert (order.company, order.payment_method, order.num_items) == (world.company, "account", 3)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_an_approver_approves_a_waiting_order(chromium, site_urls, screenshot, world, width):
    base = site_urls["portal"]
    visit = Visit(chromium, width, screenshot, "approver")
    page = visit.page
    sign_in_portal(page, base, world.members["approver"])
    visit.check()
    page.click(f"#waiting_for_me a:text('{world.pending.number}')")
    page.wait_for_selector("#approve")
    visit.check()
    page.fill("#id_comment", "Budgeted")
    page.click("#approve")
    page.wait_for_selector("text=approved")
    visit.check()
    visit.close()

    world.pending.refresh_from_db()
    assert world.pending.status != order_status.PENDING_APPROVAL


@pytest.mark.parametrize("width", list(WIDTHS))
def test_staff_move_an_order_on_the_desk(chromium, site_urls, screenshot, world, width):
    base = site_urls["storefront"]
    visit = Visit(chromium, width, screenshot, "staff")
    page = visit.page
    order = world.invoice.order
    sign_in_storefront(page, base, world.staff["credit_controller"])
    page.goto(base + f"/dashboard/orders/?company={world.company.pk}")
    visit.check()
    page.check(f"input[name=selected_order][value='{order.pk}']")
    page.select_option("select[name=new_status]", "Completed")
    page.click("button[value=change_order_statuses]")
    page.wait_for_selector(".alert")
    visit.check()
    assert f"company={world.company.pk}" in page.url
    visit.close()

    order.refresh_from_db()
    assert order.status == "Completed"
