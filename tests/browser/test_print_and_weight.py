"""The dashboard in a browser: an order page prints without the navigation and
buttons (print media emulated), and what the dashboard home, the order list
and the product form transfer on a first load, measured from Chromium's own
network events, stays within 600 KB as WhiteNoise serves it in production."""

import pytest

from tests import factories
from tests.backoffice.conftest import place_portal
from tests.backoffice.test_page_weight import BUDGET, gzipped, static_file
from tests.browser.steps import storefront_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def staff_sign_in(page, base):
    storefront_sign_in(page, base, factories.StaffFactory())


def test_a_dashboard_order_prints_without_navigation_or_buttons(page, site_urls):
    order = place_portal(factories.business("Acme Industrial"))
    base = site_urls["storefront"]
    staff_sign_in(page, base)
    page.goto(base + f"/dashboard/orders/{order.number}/")
    assert page.is_visible(".navbar-primary") and page.is_visible(".breadcrumb")

    page.emulate_media(media="print")

    for chrome in (".navbar-primary", ".navbar-accounts", ".breadcrumb", ".nav-tabs"):
        assert not page.is_visible(chrome), chrome
    assert page.locator(".btn:visible").count() == 0
    assert page.is_visible(".page-header h1") and str(order.number) in page.inner_text("body")
    assert page.is_visible("#price_reasons")


def first_load(page, url: str) -> dict:
    """Every response of one page load, with what went over the wire
    (``encodedDataLength``) and what it would as WhiteNoise serves it (static
    files gzipped, as stored next to them in production)."""
    page.goto("about:blank")  # nothing of the previous page still loading
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls, sizes = {}, {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto(url, wait_until="load")
    # The first load: what finished by the page's load event (the rich-text
    # editor is fetched after it, see commerce/js/dashboard.js).
    loaded = dict(sizes)
    page.wait_for_load_state("networkidle")
    wire, served = 0, 0
    encodings = set()
    for request_id, transferred in loaded.items():
        response = urls.get(request_id, {}).get("response", {})
        wire += transferred
        path = response.get("url", "").split("//", 1)[-1].split("/", 1)[-1]
        encodings.add(response.get("headers", {}).get("Content-Encoding", "none"))
        found = static_file("/" + path)
        served += gzipped(found.read_bytes()) if found else transferred
    later = sum(sizes.get(key, 0) for key in set(sizes) - set(loaded))
    cdp.detach()
    return {
        "wire": wire,
        "served": served,
        "encodings": encodings,
        "requests": len(loaded),
        "after_load": later,
    }


def test_dashboard_first_loads_stay_within_the_budget(page, site_urls, capsys):
    product = factories.ProductFactory(title="Torque wrench", stock=10)
    base = site_urls["storefront"]
    staff_sign_in(page, base)

    figures = {
        name: first_load(page, base + path)
        for name, path in (
            ("home", "/dashboard/"),
            ("order list", "/dashboard/orders/"),
            ("product form", f"/dashboard/catalogue/products/{product.pk}/"),
        )
    }

    with capsys.disabled():
        for name, f in figures.items():
            print(
                f"\n{name}: {f['requests']} requests, {f['wire'] // 1024} KB on the test "
                f"server's wire ({', '.join(sorted(f['encodings']))}), "
                f"{f['served'] // 1024} KB as served compressed, "
                f"{f['after_load'] // 1024} KB fetched after the load event"
            )
    for name, f in figures.items():
        assert f["requests"] > 3, name
        assert f["served"] <= BUDGET, (name, f["served"] // 1024)
    # The product form's description editor still arrives, after the first load.
    assert figures["product form"]["after_load"] > 400 * 1024


def test_a_portal_checkout_error_is_told_once_next_to_its_field(page, site_urls):
    from tests.browser.test_approval_flows import portal_sign_in

    company = factories.business("Acme Industrial", po_number_required=True)
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    product = factories.ProductFactory(stock=5)
    base = site_urls["portal"]
    portal_sign_in(page, base, buyer)
    page.goto(base + product.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(base + "/checkout/")

    page.click("#place_order")

    page.wait_for_selector("#id_po_number[aria-invalid=true]")
    error_id = page.get_attribute("#id_po_number", "aria-describedby")
    assert page.is_visible(f"#{error_id}")
    message = page.inner_text(f"#{error_id}").strip()
    assert message and page.inner_text("body").count(message) == 1
    assert page.locator(".alert-danger").count() == 0
