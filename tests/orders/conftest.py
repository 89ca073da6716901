import uuid

import pytest
from django.conf import settings
from django.test import Client

from tests import factories


@pytest.fixture
def company(db):
    return factories.business("Acme Industrial")


def portal_buyer(company, role="buyer") -> Client:
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(factories.MembershipFactory(company=company, role=role).user)
    return client


def checkout_data(company, **overrides) -> dict:
    ship_to = company.addresses.get(kind="ship_to", is_default=True)
    return {
        "ship_to": ship_to.pk,
        "shipping_method": "freight",
        "payment_method": "account",
        "po_number": "",
        "requested_delivery_date": "",
        "notes": "",
        "idempotency_key": uuid.uuid4().hex,
        **overrides,
    }
