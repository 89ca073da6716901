"""Figures in the browser: the portal basket is net with a VAT line; a Gold
member's strike-through is the gross list price; a voucher applied and the
order placed on each site; the statement PDF downloaded."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from accounts.models import CustomerLoyalty, LoyaltyTier
from tests import factories
from tests.api.test_records import shipped_and_invoiced
from tests.browser.steps import address_and_card, storefront_sign_in

Order = get_model("order", "Order")
Promotion = get_model("partner", "Promotion")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


def portal_sign_in(page, base, user):
    page.goto(base + "/sign-in/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#company_card")


def test_portal_basket_is_net_with_vat_and_a_voucher_is_ordered(page, site_urls, screenshot):
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    product = factories.ProductFactory(upc="BOLT-M8", stock=500, stock__price="43.89")
    promo = Promotion.objects.create(
        name="Acme spring promotion", code="ACME7", company=company, percent_off=7
    )
    promo.products.add(product)
    base = site_urls["portal"]

    portal_sign_in(page, base, buyer)
    page.goto(base + product.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(base + "/basket/")
    page.fill("#id_code", "acme7")
    page.click("#voucher_apply")
    page.wait_for_selector(".basket-voucher")

    totals = page.inner_text("#basket_totals")
    assert "excl. VAT" in totals and "VAT" in totals
    assert page.get_attribute("#basket_totals", "data-prices") == "net"
    # 43.89 - 7 % = 40.82 net a unit
    assert page.get_attribute("#basket_lines_total", "data-amount") == "40.82"
    assert "Acme spring promotion (voucher ACME7)" in page.inner_text("#basket_formset")
    screenshot(page, "portal-basket-net")

    page.goto(base + "/checkout/")
    page.check("#pay_account")
    page.click("#place_order")
    page.wait_for_selector("#order_status")
    order = Order.objects.get()
    assert order.basket_total_excl_tax == Decimal("40.82")
    assert order.lines.get().price_reason.startswith("Acme spring promotion")


def test_gold_strike_through_is_gross_and_a_voucher_is_ordered(page, site_urls, screenshot):
    factories.CountryFactory()
    gold = LoyaltyTier.objects.create(
        name="Gold", code="gold", rank=2, discount_percent=Decimal("5")
    )
    consumer = factories.UserFactory()
    CustomerLoyalty.objects.create(user=consumer, tier=gold)
    product = factories.ProductFactory(stock=5, stock__price="118.69")
    Promotion.objects.create(
        name="Welcome 10 %", code="WELCOME10", site="storefront", percent_off=10
    )
    base = site_urls["storefront"]

    storefront_sign_in(page, base, consumer)
    page.goto(base + product.get_absolute_url())
    assert page.get_attribute("#product_price", "data-price") == "134.18"
    assert page.get_attribute("#list_price", "data-list-price") == "141.24"
    screenshot(page, "storefront-gold-strike-through")

    page.click("#add_to_basket_form button[type=submit]")
    page.goto(base + "/basket/")
    page.fill("#id_code", "WELCOME10")
    page.click("#voucher_apply")
    page.wait_for_selector(".basket-voucher")
    assert page.get_attribute("#basket_totals", "data-prices") == "gross"
    # 118.69 - 10 % = 106.82 net, 127.12 gross (the voucher beats the Gold tier)
    assert page.get_attribute("#basket_lines_total", "data-amount") == "127.12"

    page.goto(base + "/checkout/shipping-address/")
    address_and_card(page, name=("Gold", "Member"))
    page.wait_for_url("**/preview/")
    page.click("#place-order")
    page.wait_for_url("**/thank-you/")
    screenshot(page, "storefront-voucher-thank-you")

    order = Order.objects.get()
    assert order.lines.get().price_reason == "Welcome 10 % (voucher WELCOME10) \u221210%"
    assert "auth_sandbox" not in page.content()


def test_statement_pdf_is_downloaded(page, site_urls):
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    viewer = factories.MembershipFactory(company=company, role="viewer").user
    shipped_and_invoiced(company, buyer)
    base = site_urls["portal"]

    portal_sign_in(page, base, viewer)
    page.goto(base + "/invoices/statement/")
    with page.expect_download() as download:
        page.click("#statement_pdf")
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.startswith("statement-")
