"""Both sites and the dashboard run under the Content-Security-Policy: walking
the main pages logs no policy violation, and an injected inline script does not run."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def watch_csp(page) -> list[str]:
    """Every CSP violation the page reports, from the console and the DOM event."""
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.expose_function("reportCspViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " window.reportCspViolation(e.violatedDirective + ' ' + e.blockedURI"
        " + ' ' + (e.sourceFile || '') + ':' + e.lineNumber); });"
    )
    return violations


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    assert "script-src" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")


def sign_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", factories.PASSWORD)
    page.click("button[name=login_submit]")


def test_walking_both_sites_and_the_dashboard_logs_no_violation(page, site_urls):
    violations = watch_csp(page)
    factories.CountryFactory()
    product = factories.ProductFactory(
        title="Torque wrench", category=factories.make_category("Tools"), stock=50
    )
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    staff = factories.StaffFactory(email="boss@example.com")
    store, portal = site_urls["storefront"], site_urls["portal"]

    visit(page, store + "/")
    visit(page, store + product.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    visit(page, store + "/basket/")
    visit(page, store + "/checkout/")
    visit(page, store + "/checkout/shipping-address/")

    visit(page, portal + "/sign-in/")
    page.fill("#id_username", buyer.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#company_card")
    visit(page, portal + "/")
    visit(page, portal + "/quick-order/")
    page.fill("#grid_rows .sku-input >> nth=0", product.upc[:4])
    page.click("#add_rows")
    assert page.locator("#grid_rows tr").count() > 5  # the quick-order script runs
    page.wait_for_timeout(400)  # the SKU suggestion request

    sign_in(page, store, staff.email)
    visit(page, store + "/dashboard/")
    visit(page, store + "/dashboard/orders/")
    visit(page, store + f"/dashboard/catalogue/products/{product.pk}/")
    visit(page, store + "/admin/")

    assert violations == []


def test_an_injected_inline_script_does_not_run(page, site_urls):
    violations = watch_csp(page)
    visit(page, site_urls["storefront"] + "/")

    page.evaluate(
        "var s = document.createElement('script');"
        " s.textContent = 'window.injected = true;';"
        " document.body.appendChild(s);"
    )
    page.wait_for_timeout(100)

    assert page.evaluate("window.injected === undefined")
    assert any("script-src" in v for v in violations), violations
