"""A failed card form never writes the card number back into the page, and
signing out takes a POST with its CSRF token (a link or an image cannot)."""

import pytest
from django.conf import settings
from django.test import Client

from tests import factories
from tests.helpers import ADDRESS

pytestmark = pytest.mark.django_db

CARD = "4242424242424242"


def assert_no_card_number(response):
    page = response.content.decode()
    assert CARD not in page
    assert "4242 4242 4242 4242 " not in page.replace("4242 4242 4242 4242 —", "")


def test_the_storefront_payment_form_does_not_echo_the_card_number(db):
    factories.CountryFactory()
    product = factories.ProductFactory(stock=5)
    shopper = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    shopper.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    shopper.post("/checkout/", {"username": "guest@example.com", "options": "anonymous"})
    shopper.post("/checkout/shipping-address/", ADDRESS)
    shopper.post("/checkout/shipping-method/", {"method_code": "standard"})

    refused = shopper.post(
        "/checkout/payment-details/", {"number": CARD, "expiry": "13/99", "cvc": "123"}
    )

    assert refused.status_code in (200, 400)
    assert "MM/YY" in refused.content.decode()
    assert_no_card_number(refused)


def test_the_portal_checkout_does_not_echo_the_card_number(db):
    company = factories.business("Acme Industrial")
    buyer = factories.MembershipFactory(company=company, role="buyer").user
    product = factories.ProductFactory(stock=5)
    portal = Client(HTTP_HOST=settings.PORTAL_HOST)
    portal.force_login(buyer)
    portal.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    page = portal.get("/checkout/")
    form = page.context["form"]

    refused = portal.post(
        "/checkout/",
        {
            "ship_to": form["ship_to"].value(),
            "shipping_method": form["shipping_method"].value(),
            "payment_method": "card",
            "idempotency_key": form["idempotency_key"].value(),
            "number": CARD,
            "expiry": "13/99",
            "cvc": "123",
        },
    )

    assert refused.status_code == 400
    assert_no_card_number(refused)


@pytest.mark.parametrize("host", [settings.STOREFRONT_HOST, settings.PORTAL_HOST])
def test_a_get_to_the_sign_out_url_does_not_sign_out(host, db):
    client = Client(HTTP_HOST=host)
    user = factories.MembershipFactory(role="buyer").user
    client.force_login(user)

    answer = client.get("/accounts/logout/")

    assert answer.status_code == 200
    assert "_auth_user_id" in client.session


def test_a_cross_site_post_without_the_csrf_token_does_not_sign_out(db):
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST, enforce_csrf_checks=True)
    client.force_login(factories.UserFactory())

    answer = client.post("/accounts/logout/")

    assert answer.status_code == 403
    assert "_auth_user_id" in client.session


def test_signing_out_from_the_storefront_page_works_by_post(db):
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST, enforce_csrf_checks=True)
    client.force_login(factories.UserFactory())
    home = client.get("/")
    page = home.content.decode()
    assert 'href="/accounts/logout/"' not in page
    assert '<form method="post" action="/accounts/logout/"' in page

    answer = client.post("/accounts/logout/", {"csrfmiddlewaretoken": home.context["csrf_token"]})

    assert answer.status_code == 302
    assert "_auth_user_id" not in client.session
