"""Checkout errors are told once, where they belong, on every door into an
order: a field's error next to that field (the widget aria-invalid and
aria-describedby its error), an error of the whole form once at the top with
role="alert"; no banner, message or second box repeating it."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape

from tests import factories
from tests.helpers import ADDRESS, DECLINED_CARD
from tests.orders.conftest import checkout_data, portal_buyer

pytestmark = pytest.mark.django_db


def once(html: str, message: str) -> None:
    assert html.count(escape(message)) == 1, (message, html.count(escape(message)))


def field_points_at_its_error(html: str, name: str) -> str:
    widget = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in widget, widget
    error_id = re.search(r'aria-describedby="([^"]+)"', widget).group(1)
    assert f'id="{error_id}"' in html
    return html.split(f'id="{error_id}"', 1)[1].split("</span>", 1)[0]


@pytest.fixture
def portal(company):
    client = portal_buyer(company)
    client.post(f"/basket/add/{factories.ProductFactory(stock=5).pk}/", {"quantity": 1})
    return client


def test_portal_a_missing_po_number_is_told_once_next_to_the_field(portal, company):
    company.po_number_required = True
    company.save(update_fields=["po_number_required"])

    response = portal.post("/checkout/", checkout_data(company))

    html = response.content.decode()
    assert response.status_code == 400
    [message] = response.context["form"].errors["po_number"]
    once(html, message)
    assert escape(message) in field_points_at_its_error(html, "po_number")
    assert 'role="alert"' not in html


def test_portal_a_bad_card_field_is_told_once_next_to_it(portal, company):
    response = portal.post(
        "/checkout/",
        checkout_data(company, payment_method="card", number="", expiry="13/99", cvc="1"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    errors = response.context["card_form"].errors
    once(html, errors["expiry"][0])
    assert escape(errors["expiry"][0]) in field_points_at_its_error(html, "expiry")
    assert escape(errors["number"][0]) in field_points_at_its_error(html, "number")
    assert "Oops" not in html and 'role="alert"' not in html


def test_portal_a_declined_card_is_told_once_at_the_top(portal, company):
    response = portal.post(
        "/checkout/",
        checkout_data(
            company, payment_method="card", number=DECLINED_CARD, expiry="12/39", cvc="123"
        ),
    )

    html = response.content.decode()
    assert response.status_code == 400
    message = re.search(r'id="checkout_error">([^<]+)<', html).group(1)
    assert html.count(message) == 1
    assert html.count('role="alert"') == 1


@pytest.fixture
def storefront():
    client = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    client.force_login(factories.UserFactory())
    factories.CountryFactory()
    client.post(f"/basket/add/{factories.ProductFactory(stock=5).pk}/", {"quantity": 1})
    client.post("/checkout/shipping-address/", ADDRESS)
    client.post("/checkout/shipping-method/", {"method_code": "standard"})
    return client


def test_storefront_a_bad_card_field_is_told_once_next_to_it(storefront):
    response = storefront.post(
        "/checkout/payment-details/", {"number": "4242424242424242", "expiry": "1/2", "cvc": "123"}
    )

    html = response.content.decode()
    [message] = response.context["card_form"].errors["expiry"]
    once(html, message)
    assert escape(message) in field_points_at_its_error(html, "expiry")
    assert "Oops" not in html


def test_storefront_a_declined_card_is_told_once_at_the_top(storefront):
    storefront.post(
        "/checkout/payment-details/", {"number": DECLINED_CARD, "expiry": "12/39", "cvc": "123"}
    )
    preview = storefront.get("/checkout/preview/")

    response = storefront.post(
        "/checkout/preview/",
        {
            "action": "place_order",
            "idempotency_key": preview.context["idempotency_key"],
            "expected_total": preview.context["expected_total"],
        },
        follow=True,
    )

    html = response.content.decode()
    [message] = [str(m) for m in response.context["messages"]]
    once(html, message)
    assert html.count('role="alert"') <= 1
