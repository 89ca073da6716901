import pytest
from django.core import mail

from commerce.leads.models import Lead
from tests.api.conftest import portal_api, storefront_api
from tests.dealers.conftest import network  # noqa: F401  (the shared dealer network)

REQUEST = {
    "postcode": "10115",
    "country": "DE",
    "name": "Connie Consumer",
    "email": "connie@example.com",
    "phone": "+49 30 1234567",
    "message": "Please quote two city bikes with delivery.",
}


@pytest.fixture
def ask(network):  # noqa: F811
    """POST a lead for the network's bike as an anonymous consumer; returns the Lead."""

    def ask(**overrides):
        body = {**REQUEST, "product": network["bike"].pk, **overrides}
        response = storefront_api().post("/api/leads/", body, format="json")
        assert response.status_code == 201, response.content
        return Lead.objects.get(pk=response.json()["id"])

    return ask


@pytest.fixture
def dealer_client(network):  # noqa: F811
    return lambda dealer: portal_api(network["admins"][dealer.pk])


@pytest.fixture(autouse=True)
def _clear_mail():
    mail.outbox.clear()
