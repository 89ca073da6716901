"""B2B buying tools in the browser: a shopping list filled into the basket and
ordered; a quote requested from the basket, answered by the sales rep in the
dashboard, countered, offered again, accepted and ordered at the quoted
prices; an invoice paid online by card and shown paid."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from accounts.staff_policy import staff_role_assign
from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import Invoice
from commerce.fulfilment.transitions import order_set_status
from tests import factories
from tests.helpers import APPROVED_CARD, place_portal_order

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def portal_sign_in(page, base, user):
    page.goto(base + "/sign-in/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#company_card")


def test_a_shopping_list_goes_to_the_basket_and_becomes_an_order(page, site_urls, screenshot):
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    gloves = factories.ProductFactory(title="Gloves", upc="GLV-1", stock=50, stock__price="4.00")
    base = site_urls["portal"]

    portal_sign_in(page, base, buyer)
    page.goto(base + gloves.get_absolute_url())
    page.fill("#add_to_list_form input[name=name]", "Monthly PPE")
    page.fill("#add_to_list_form input[name=quantity]", "12")
    page.click("#add_to_list")
    page.wait_for_selector("#list_lines")
    assert "Gloves" in page.inner_text("#list_lines")
    screenshot(page, "portal-shopping-list")
    page.click("#list_to_basket")
    page.wait_for_url("**/basket/")
    page.goto(base + "/checkout/")
    page.check("#pay_account")
    page.click("#place_order")
    page.wait_for_selector("#order_status")

    order = Order.objects.get()
    assert [(x.product_id, x.quantity) for x in order.lines.all()] == [(gloves.pk, 12)]


def test_quote_negotiated_in_the_dashboard_then_ordered_at_the_quoted_prices(
    chromium, site_urls, screenshot
):
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    rep = factories.StaffFactory(is_superuser=False, email="rep@seller.example")
    staff_role_assign(user=rep, role_key="sales_rep")
    company.sales_reps.add(rep)
    pump = factories.ProductFactory(title="Pump", stock=20, stock__price="500.00")
    portal, staff = site_urls["portal"], site_urls["storefront"]
    buyer_page = chromium.new_context().new_page()
    rep_page = chromium.new_context().new_page()

    portal_sign_in(buyer_page, portal, buyer)
    buyer_page.goto(portal + pump.get_absolute_url())
    buyer_page.click("#add_to_basket_form button[type=submit]")
    buyer_page.goto(portal + "/basket/")
    buyer_page.click("#quote_request summary")
    buyer_page.fill("#id_quote_message", "A pump for the new line")
    buyer_page.click("#quote_request_submit")
    buyer_page.wait_for_selector("#quote_status")
    quote_url = buyer_page.url

    rep_page.goto(staff + "/accounts/login/")
    rep_page.fill("#id_login-username", rep.email)
    rep_page.fill("#id_login-password", factories.PASSWORD)
    rep_page.click("button[name=login_submit]")
    rep_page.goto(staff + "/dashboard/quotes/")
    rep_page.click("#quote_table a")
    valid = (timezone.localdate() + timedelta(days=10)).isoformat()
    rep_page.fill("#offer_form input[name^=price_]", "470.00")
    rep_page.fill("#id_valid_until", valid)
    rep_page.fill("#id_message", "470 each")
    rep_page.click("button[value=offer]")
    rep_page.wait_for_selector("text=Offer sent")

    buyer_page.goto(quote_url)
    buyer_page.fill("#quote_lines input[name^=target_]", "440.00")
    buyer_page.fill("#id_message", "Could you do 440?")
    buyer_page.click("#quote_counter")
    buyer_page.wait_for_selector("text=counter-offer was sent")

    rep_page.reload()
    rep_page.fill("#offer_form input[name^=price_]", "455.00")
    rep_page.fill("#id_valid_until", valid)
    rep_page.fill("#id_message", "455 is our best")
    rep_page.click("button[value=offer]")
    rep_page.wait_for_selector("text=Offer sent")
    screenshot(rep_page, "dashboard-quote-offer")

    buyer_page.goto(quote_url)
    assert "455" in buyer_page.inner_text("#quote_lines")
    buyer_page.click("#quote_accept")
    buyer_page.wait_for_selector("#quote_place_order")
    screenshot(buyer_page, "portal-quote-accepted")
    buyer_page.click("#quote_place_order")
    buyer_page.wait_for_selector("#order_status")

    order = Order.objects.get()
    line = order.lines.get()
    assert (line.quantity, line.unit_price_excl_tax, line.price_reason) == (
        1,
        Decimal("455.00"),
        f"Quote {order.quote.number}",
    )
    assert order.quote.events.filter(kind="countered").exists()


def test_an_invoice_is_paid_online_and_shown_paid(page, site_urls, screenshot):
    company = factories.business("Acme Industrial")
    admin = factories.MembershipFactory(company=company, role="admin").user
    product = factories.ProductFactory(stock=10, stock__price="100.00")
    order = place_portal_order(company, admin, product, 2).order
    order_set_status(order=order, status="Shipped")
    invoice_for_shipped(order_id=order.pk)
    invoice = Invoice.objects.get()
    base = site_urls["portal"]

    portal_sign_in(page, base, admin)
    page.goto(base + "/invoices/")
    page.click("#pay_invoices")
    page.check(f"#pay_{invoice.number}")
    page.fill("#id_number", APPROVED_CARD)
    page.fill("#id_expiry", "12/39")
    page.fill("#id_cvc", "123")
    screenshot(page, "portal-pay-invoices")
    page.click("#pay_submit")
    page.wait_for_selector("#invoice_table")

    invoice.refresh_from_db()
    assert invoice.balance == Decimal("0.00")
    page.goto(base + f"/invoices/{invoice.number}/")
    assert page.inner_text("#invoice_status").strip().lower() == "paid"
