"""axe-core (vendored from npm, see vendor/README.md) on the key pages of both
sites and the dashboard, at a desktop and a phone width: no critical or serious
WCAG 2.1 AA violation, no horizontal scrolling at 390 px; a screenshot of each
page at each width is kept under test-artifacts/."""

import pytest

from tests.browser.site_tour import (
    AXE_VERSION,
    WIDTHS,
    axe_source,
    axe_violations,
    build_world,
    horizontal_overflow,
    sign_in_portal,
    sign_in_storefront,
)

pytestmark = pytest.mark.django_db(transaction=True)


def audit(context_page, url, name, screenshot, source):
    problems = []
    for label, (width, height) in WIDTHS.items():
        context_page.set_viewport_size({"width": width, "height": height})
        response = context_page.goto(url)
        assert response.status < 400, (url, response.status)
        context_page.wait_for_load_state("load")
        for violation in axe_violations(context_page, source):
            problems.append((name, label, violation["impact"], violation["id"], violation["nodes"]))
        if label == "phone":
            overflow = horizontal_overflow(context_page)
            if overflow:
                problems.append((name, label, "overflow", f"{overflow}px wider than 390", []))
        screenshot(context_page, f"{name}-{label}")
    return problems


def test_key_pages_have_no_serious_accessibility_violations(chromium, site_urls, screenshot):
    assert AXE_VERSION == "4.10.3"
    source = axe_source()
    world = build_world()
    store, portal = site_urls["storefront"], site_urls["portal"]
    product_url = world.product.get_absolute_url()
    problems = []
    audited = 0

    # The storefront, as a signed-in consumer with something in the basket.
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    for name, url in [
        ("storefront-home", store + "/"),
        ("storefront-category", store + world.category.get_absolute_url()),
        ("storefront-product", store + product_url),
    ]:
        problems += audit(page, url, name, screenshot, source)
        audited += 1
    sign_in_storefront(page, store, world.consumer)
    page.goto(store + product_url)
    page.click("#add_to_basket_form button[type=submit]")
    for name, url in [
        ("storefront-basket", store + "/basket/"),
        ("storefront-checkout", store + "/checkout/shipping-address/"),
        ("storefront-account", store + "/accounts/"),
    ]:
        problems += audit(page, url, name, screenshot, source)
        audited += 1
    context.close()

    # The portal, as the company admin (every section), basket filled.
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    sign_in_portal(page, portal, world.members["admin"])
    page.goto(portal + product_url)
    page.click("#add_to_basket_form button[type=submit]")
    for name, url in [
        ("portal-home", portal + "/"),
        ("portal-catalog", portal + "/catalogue/"),
        ("portal-product", portal + product_url),
        ("portal-quick-order", portal + "/quick-order/"),
        ("portal-basket", portal + "/basket/"),
        ("portal-checkout", portal + "/checkout/"),
        ("portal-approvals", portal + "/approvals/"),
        ("portal-invoices", portal + "/invoices/"),
    ]:
        problems += audit(page, url, name, screenshot, source)
        audited += 1
    context.close()

    # The dashboard, as a superuser.
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    sign_in_storefront(page, store, world.staff["superuser"])
    for name, url in [
        ("dashboard-home", store + "/dashboard/"),
        ("dashboard-order-desk", store + "/dashboard/orders/"),
        ("dashboard-product-form", store + f"/dashboard/catalogue/products/{world.product.pk}/"),
    ]:
        problems += audit(page, url, name, screenshot, source)
        audited += 1
    context.close()

    assert audited >= 15
    assert not problems, "\n".join(str(problem) for problem in problems)
