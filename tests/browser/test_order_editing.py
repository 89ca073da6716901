"""A buyer changes an order that waits for approval, in the browser: the
quantity goes up, the order's total and lines follow, and a second tab that
still shows the old order is told the order changed instead of overwriting it."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from commerce.approvals.models import ApprovalRule
from commerce.order import status as order_status
from tests import factories
from tests.browser.test_approval_flows import portal_sign_in

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_buyer_edits_a_pending_order_and_a_stale_tab_is_refused(chromium, site_urls, screenshot):
    company = factories.CompanyFactory(name="Acme Industrial")
    factories.CompanyAddressFactory(company=company, label="Plant", is_default=True)
    factories.credit_account(company, limit="50000.00")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal("1000.00"))
    product = factories.ProductFactory(title="Pallet jack", stock=10, stock__price="1200.00")
    base = site_urls["portal"]
    context = chromium.new_context()
    page, stale = context.new_page(), context.new_page()

    portal_sign_in(page, base, buyer)
    page.goto(base + product.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(base + "/checkout/")
    page.check("#pay_account")
    page.click("#place_order")
    page.wait_for_selector("#order_status")
    order = Order.objects.get()
    assert order.status == order_status.PENDING_APPROVAL
    before = order.total_incl_tax

    # Two tabs open the edit page; the first saves a quantity of 2.
    page.goto(base + f"/orders/{order.number}/")
    page.click("#edit_order")
    stale.goto(page.url)
    line = order.lines.get()
    page.fill(f"#id_line_{line.pk}", "2")
    screenshot(page, "portal-order-edit")
    page.click("#save_edit")
    page.wait_for_selector("#order_lines")
    order.refresh_from_db()
    assert order.lines.get().quantity == 2
    assert order.total_incl_tax > before
    lines_text = page.inner_text("#order_lines")
    assert f"{order.total_incl_tax:,.2f}" in lines_text
    assert order.status == order_status.PENDING_APPROVAL  # asked again

    # The second tab still holds the old version: refused, nothing overwritten.
    stale.fill(f"#id_line_{line.pk}", "5")
    stale.click("#save_edit")
    stale.wait_for_selector("#edit_errors")
    assert "changed" in stale.inner_text("#edit_errors").lower()
    order.refresh_from_db()
    assert order.lines.get().quantity == 2
