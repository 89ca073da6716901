"""Steps the storefront browser tests share: signing in, and checking out with
a delivery address and a sandbox card (Oscar's steps in the site's layout)."""

from tests import factories

APPROVED = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"


def storefront_sign_in(page, base, user):
    page.goto(base + "/accounts/login/")
    page.fill("#id_login-username", user.email)
    page.fill("#id_login-password", factories.PASSWORD)
    page.click("button[name=login_submit]")


def choose_country(page):
    # Oscar hides the country field when there is only one shipping country.
    if page.locator("select#id_country").count():
        page.select_option("select#id_country", "DE")


def address_and_card(
    page, *, name=("Gail", "Guest"), line1="1 Test Street", postcode="10115", card=APPROVED
):
    """From the shipping-address step to the preview: a new address in Berlin,
    the first delivery method, then the card (the preview is not waited for:
    a declined card comes back to the card step)."""
    page.fill("#id_first_name", name[0])
    page.fill("#id_last_name", name[1])
    page.fill("#id_line1", line1)
    page.fill("#id_line4", "Berlin")
    page.fill("#id_postcode", postcode)
    choose_country(page)
    page.click("#new_shipping_address button[type=submit]")
    page.wait_for_url("**/shipping-method/")
    page.locator("#content_inner form button[type=submit]").first.click()
    page.wait_for_url("**/payment-details/")
    page.fill("#id_number", card)
    page.fill("#id_expiry", "12/39")
    page.fill("#id_cvc", "123")
    page.click("#card_continue")
