"""The dealer performance loop in the browser: a consumer asks for a quote on a
product page, the dealer accepts and records a win in the portal, the
consumer rates the dealer, and the staff dealer report and the dealer's own
analytics show it."""

import pytest

from tests import factories
from tests.dealers.conftest import make_dealer

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_portal(page, portal, user):
    page.goto(portal + "/sign-in/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")


def test_quote_win_rating_and_the_reports(page, site_urls, screenshot):
    from commerce.dealers.models import DealerAssortment
    from commerce.leads import links
    from commerce.leads.models import Lead, Survey

    factories.CountryFactory()
    bikes = factories.make_category("Bikes")
    DealerAssortment.objects.create(category=bikes)
    bike = factories.ProductFactory(title="City bike", stock__price="500.00", category=bikes)
    dealer = make_dealer("Berlin Bikes", rating="4.80", point=(52.53, 13.38))
    dealer_admin = factories.MembershipFactory(company=dealer.company, role="admin").user
    staff = factories.StaffFactory()
    store, portal = site_urls["storefront"], site_urls["portal"]

    page.goto(store + bike.get_absolute_url())
    page.click("#ask_dealer")
    page.fill("#id_name", "Connie Consumer")
    page.fill("#id_email", "connie@example.com")
    page.fill("#id_postcode", "10115")
    page.fill("#id_country", "DE")
    page.fill("#id_message", "Two city bikes, please.")
    page.click("#lead_submit")
    page.wait_for_selector("#lead_status")
    assert "Offered" in page.inner_text("#lead_status")
    lead = Lead.objects.get()
    assert lead.dealer == dealer

    dealer_page = page.context.browser.new_context().new_page()
    sign_in_portal(dealer_page, portal, dealer_admin)
    dealer_page.goto(portal + "/dealer/leads/")
    dealer_page.click(f"#lead_{lead.pk} .lead-accept")
    dealer_page.wait_for_selector(f"#lead_{lead.pk} .lead-outcome")
    row = dealer_page.locator(f"#lead_{lead.pk}")
    row.locator("select[name=status]").select_option("won")
    row.locator("input[name=amount]").fill("980.00")
    row.locator(".lead-outcome button").click()
    dealer_page.wait_for_selector(f"#lead_{lead.pk} >> text=won 980.00")
    screenshot(dealer_page, "dealer-lead-won")

    survey_path = "/" + links.survey_url(Survey.objects.get(lead=lead)).split("/", 3)[3]
    page.goto(store + survey_path)
    page.check("#stars_5")
    page.fill("#id_comment", "Quick and friendly")
    page.click("#survey_submit")
    page.wait_for_selector("#survey_thanks")

    dealer_page.goto(portal + "/dealer/analytics/")
    assert "980.00" in dealer_page.inner_text("#fig_funnel")
    assert "5.00" in dealer_page.inner_text("#fig_satisfaction")
    screenshot(dealer_page, "dealer-analytics")

    staff_page = page.context.browser.new_context().new_page()
    staff_page.goto(store + "/accounts/login/")
    staff_page.fill("#id_login-username", staff.email)
    staff_page.fill("#id_login-password", factories.PASSWORD)
    staff_page.click("button[name=login_submit]")
    staff_page.goto(store + "/dashboard/sales-reports/dealers/")
    table = staff_page.inner_text("table")
    assert "Berlin Bikes" in table
    assert "980.00" in table
    screenshot(staff_page, "staff-dealer-report")
