"""What the quote pages post is read in one place (``commerce.quotes.posted``):
an amount or a date that does not read is refused with a message on either
page, and nothing changes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from commerce.quotes.models import Quote
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested(portal_client, people):
    product = factories.ProductFactory(stock=10, stock__price="100.00")
    portal_client.force_login(people["buyer"])
    portal_client.post(f"/basket/add/{product.pk}/", {"quantity": 3})
    portal_client.post("/quotes/request/", {"message": "Three please"})
    return Quote.objects.get()


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity", "-sNaN", "1e"])
def test_an_offer_whose_price_does_not_read_changes_nothing(requested, rep, raw):
    staff = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    staff.force_login(rep)
    line = requested.lines.get()

    response = staff.post(
        f"/dashboard/quotes/{requested.pk}/",
        {
            "action": "offer",
            f"price_{line.pk}": raw,
            "valid_until": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )

    assert response.status_code == 302
    assert said(response) == [f"'{raw}' is not an amount."]
    requested.refresh_from_db()
    assert requested.status == "requested"


def test_an_offer_without_a_valid_until_date_changes_nothing(requested, rep):
    staff = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    staff.force_login(rep)
    line = requested.lines.get()

    response = staff.post(
        f"/dashboard/quotes/{requested.pk}/",
        {"action": "offer", f"price_{line.pk}": "90", "valid_until": "next week"},
    )

    assert said(response) == ["Give the date the offer is valid until."]
    requested.refresh_from_db()
    assert requested.status == "requested"


def test_a_request_with_a_date_that_does_not_read_is_refused(portal_client, people):
    product = factories.ProductFactory(stock=10, stock__price="100.00")
    portal_client.force_login(people["buyer"])
    portal_client.post(f"/basket/add/{product.pk}/", {"quantity": 1})

    response = portal_client.post("/quotes/request/", {"requested_date": "31/12/2030"})

    assert response.url == "/basket/"
    assert said(response)[-1] == "Give the date as YYYY-MM-DD."
    assert not Quote.objects.exists()
