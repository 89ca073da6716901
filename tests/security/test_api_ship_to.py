"""A portal order ships only to one of the company's ship-to addresses, through
the API as on the page: a free ``shipping_address`` is refused unless the
company allows one-off addresses, and then the order says so on the desk."""

import pytest
from django.conf import settings
from oscar.core.loading import get_model
from rest_framework.test import APIClient

from commerce.api import tokens
from tests import factories
from tests.backoffice.conftest import dashboard_client, staff

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")

DROP = {
    "first_name": "Mallory",
    "last_name": "Drop",
    "line1": "99 Drop Street",
    "line4": "Elsewhere",
    "postcode": "66666",
    "country": "DE",
}


@pytest.fixture(autouse=True)
def vat(settings):
    settings.DEFAULT_TAX_RATE = "0.19"


@pytest.fixture
def acme(db):
    return factories.business("Acme Industrial")


@pytest.fixture
def buyer(acme):
    return factories.MembershipFactory(company=acme, role="buyer").user


def api(user) -> APIClient:
    key = tokens.token_issue(user=user, name="test", actor=user).key
    client = APIClient(HTTP_HOST=settings.PORTAL_HOST)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    product = factories.ProductFactory(stock__price="10.00")
    added = client.post("/api/basket/lines/", {"product": product.pk, "quantity": 1}, format="json")
    assert added.status_code == 201, added.content
    return client


def address_of(company_address) -> dict:
    return {
        "last_name": "Anyone",
        "line1": f"  {company_address.line1.upper()} ",
        "line4": company_address.line4,
        "postcode": company_address.postcode,
        "country": "de",
    }


def test_a_free_address_is_refused_with_a_clear_code(acme, buyer):
    response = api(buyer).post(
        "/api/checkout/",
        {"payment_method": "account", "shipping_address": DROP},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "ship_to_not_allowed"
    assert "ships only to its own ship-to addresses" in body["message"]
    assert not Order.objects.exists()


def test_a_ship_to_id_is_accepted_under_either_name(acme, buyer):
    ship_to = acme.addresses.get(kind="ship_to")
    client = api(buyer)

    response = client.post(
        "/api/checkout/",
        {"payment_method": "account", "shipping_address_id": ship_to.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Order.objects.get().shipping_address.line1 == ship_to.line1


def test_another_companys_address_id_is_unknown(acme, buyer):
    globex = factories.business("Globex Supply", ship_to="Depot")
    theirs = globex.addresses.get(kind="ship_to")

    response = api(buyer).post(
        "/api/checkout/",
        {"payment_method": "account", "shipping_address_id": theirs.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["details"] == {"shipping_address_id": ["No such ship-to address."]}
    assert not Order.objects.exists()


def test_an_address_equal_to_a_ship_to_ships_to_the_companys_copy(acme, buyer):
    ship_to = acme.addresses.get(kind="ship_to")

    response = api(buyer).post(
        "/api/checkout/",
        {"payment_method": "account", "shipping_address": address_of(ship_to)},
        format="json",
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert (order.shipping_address.line1, order.shipping_address.last_name) == (
        ship_to.line1,
        ship_to.last_name,
    )
    assert not order.notes.exists()


def test_an_allowed_one_off_address_is_recorded_and_shown_on_the_desk(acme, buyer):
    acme.allow_one_off_addresses = True
    acme.save(update_fields=["allow_one_off_addresses"])

    response = api(buyer).post(
        "/api/checkout/",
        {"payment_method": "account", "shipping_address": DROP},
        format="json",
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert order.shipping_address.line1 == "99 Drop Street"
    assert [n.note_type for n in order.notes.all()] == ["System"]
    desk = dashboard_client(staff("credit_controller")).get(f"/dashboard/orders/{order.number}/")
    assert 'id="one_off_address"' in desk.content.decode()


def test_staff_allow_one_off_addresses_in_the_dashboard(acme):
    client = dashboard_client(staff("credit_controller"))
    page = client.get(f"/dashboard/companies/{acme.pk}/")
    form = page.context["details_form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["po_number_required"] = ""
    data["allow_one_off_addresses"] = "on"

    client.post(f"/dashboard/companies/{acme.pk}/edit/", data)

    acme.refresh_from_db()
    assert acme.allow_one_off_addresses
    assert acme.events.filter(kind="details_changed").exists()


def test_the_rule_in_one_place(acme):
    from accounts.addresses import ship_to_for_order
    from accounts.exceptions import ShipToNotAllowed, ShipToUnknown

    ship_to = acme.addresses.get(kind="ship_to")
    retired = factories.CompanyAddressFactory(company=acme, is_active=False)

    assert ship_to_for_order(company=acme, address_id=ship_to.pk).address == ship_to
    assert ship_to_for_order(company=acme, address=address_of(ship_to)).address == ship_to
    with pytest.raises(ShipToUnknown):
        ship_to_for_order(company=acme, address_id=retired.pk)
    with pytest.raises(ShipToNotAllowed):
        ship_to_for_order(company=acme, address=address_of(retired))
