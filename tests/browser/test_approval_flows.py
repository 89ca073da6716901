"""Approval and someone-else-pays flows in the browser."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from oscar.core.loading import get_model

from commerce.approvals.models import ApprovalRule
from commerce.order import status as order_status
from tests import factories

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def portal_sign_in(page, base, user):
    page.goto(base + "/sign-in/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#company_card")


def test_an_order_over_the_threshold_waits_for_an_approver(chromium, site_urls, screenshot):
    company = factories.CompanyFactory(name="Acme Industrial")
    factories.CompanyAddressFactory(company=company, label="Plant", is_default=True)
    factories.credit_account(company, limit="50000.00")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    approver = factories.MembershipFactory(company=company, role="approver").user
    ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal("1000.00"))
    product = factories.ProductFactory(title="Pallet jack", stock=10, stock__price="1200.00")
    base = site_urls["portal"]
    buyer_page = chromium.new_context().new_page()
    approver_page = chromium.new_context().new_page()

    portal_sign_in(buyer_page, base, buyer)
    buyer_page.goto(base + product.get_absolute_url())
    buyer_page.click("#add_to_basket_form button[type=submit]")
    buyer_page.goto(base + "/checkout/")
    notice = buyer_page.inner_text("#approval_notice")
    assert "over the company's €1,000.00 order threshold" in notice
    screenshot(buyer_page, "portal-checkout-needs-approval")
    buyer_page.check("#pay_account")
    buyer_page.click("#place_order")
    buyer_page.wait_for_selector("#order_status")
    order = Order.objects.get()
    assert order.status == order_status.PENDING_APPROVAL

    portal_sign_in(approver_page, base, approver)
    assert approver_page.inner_text("#approvals_badge") == "1"
    approver_page.click("#approvals_link")
    approver_page.click(f"text={order.number}")
    approver_page.fill("#id_comment", "Budgeted for Q4")
    screenshot(approver_page, "portal-approval")
    approver_page.click("#approve")
    approver_page.wait_for_selector("text=approved")

    order.refresh_from_db()
    assert order.status == order_status.PLACED
    buyer_page.goto(base + f"/orders/{order.number}/")
    assert "Budgeted for Q4" in buyer_page.inner_text("#order_approval")


def test_a_consumer_shares_the_basket_and_the_parent_pays(chromium, site_urls, screenshot):
    factories.CountryFactory()
    teen = factories.UserFactory(email="teen@example.com", first_name="Tess")
    product = factories.ProductFactory(title="Headphones", stock=5, stock__price="59.00")
    base = site_urls["storefront"]
    teen_page = chromium.new_context().new_page()
    parent_page = chromium.new_context().new_page()

    teen_page.goto(base + "/accounts/login/")
    teen_page.fill("#id_login-username", teen.email)
    teen_page.fill("#id_login-password", factories.PASSWORD)
    teen_page.click("button[name=login_submit]")
    teen_page.goto(base + product.get_absolute_url())
    teen_page.click("#add_to_basket_form button[type=submit]")
    teen_page.goto(base + "/basket/")
    teen_page.click("#share_basket")
    teen_page.fill("#id_payer_email", "parent@example.com")
    teen_page.fill("#id_message", "For my birthday?")
    teen_page.click("#share_submit")
    teen_page.wait_for_selector("#share_table")

    link = re.search(r"https?://\S+/shared-basket/\S+", mail.outbox[-1].body).group(0)
    parent_page.goto(base + re.sub(r"^https?://[^/]+", "", link))
    parent_page.click("#share_send_code")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    parent_page.fill("#id_code", code)
    parent_page.click("#share_confirm")
    parent_page.wait_for_selector("#share_pay_form")
    parent_page.fill("#id_first_name", "Pat")
    parent_page.fill("#id_last_name", "Parent")
    parent_page.fill("#id_line1", "1 Home Street")
    parent_page.fill("#id_line4", "Berlin")
    parent_page.fill("#id_postcode", "10115")
    if parent_page.locator("select#id_country").count():
        parent_page.select_option("select#id_country", "DE")
    parent_page.fill("#id_number", "4242 4242 4242 4242")
    parent_page.fill("#id_expiry", "12/39")
    parent_page.fill("#id_cvc", "123")
    screenshot(parent_page, "storefront-someone-else-pays")
    parent_page.click("#pay")
    parent_page.wait_for_selector("#share_paid")

    order = Order.objects.get()
    assert order.user == teen and order.payer_email == "parent@example.com"
