"""Every storefront order and lead records how it came: captured into the
session, frozen at placement, counted by source in the analytics."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commerce.leads.analytics import revenue_by_source
from commerce.leads.models import Attribution
from tests import factories
from tests.api.conftest import storefront_api
from tests.dealers.test_flow import ADDRESS

pytestmark = pytest.mark.django_db


def order_via(client, product):
    added = client.post("/api/basket/lines/", {"product": product.pk, "quantity": 1}, format="json")
    assert added.status_code == 201, added.content
    response = client.post(
        "/api/checkout/",
        {
            "payment_method": "card",
            "card_token": "tok_sandbox_approve",
            "shipping_address": ADDRESS,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["number"]


def test_orders_record_campaign_locator_referral_or_direct(network, committed):
    sources = {}
    for n, visit in enumerate(
        (
            "/?utm_source=newsletter&utm_campaign=spring",
            f"/dealers/?postcode=10115&product={network['bike'].pk}",
            f"/?dealer_ref={network['second'].pk}",
            None,
        )
    ):
        client = storefront_api(factories.UserFactory(email=f"buyer{n}@example.com"))
        if visit:
            client.get(visit)
        with committed():
            number = order_via(client, network["bike"])
        sources[number] = Attribution.objects.get(order__number=number)
    got = [(a.source, a.detail) for a in sources.values()]
    assert got == [
        ("campaign", {"utm_source": "newsletter", "utm_campaign": "spring"}),
        ("locator", {}),
        ("referral", {"dealer": network["second"].pk}),
        ("direct", {}),
    ]
    assert list(sources.values())[2].dealer == network["second"]
    today = timezone.localdate()
    by_source = revenue_by_source(today - timedelta(days=1), today)
    assert set(by_source) == {"campaign", "locator", "referral", "direct"}
    assert all(row["orders"] == 1 for row in by_source.values())


def test_a_lead_records_the_campaign_it_came_from(network):
    client = storefront_api()
    client.get("/?utm_source=search&utm_medium=cpc")
    response = client.post(
        "/api/leads/",
        {
            "product": network["bike"].pk,
            "postcode": "10115",
            "country": "DE",
            "name": "A",
            "email": "a@example.com",
            "message": "hi",
        },
        format="json",
    )
    from commerce.leads.models import Lead

    lead = Lead.objects.get(pk=response.json()["id"])
    assert (lead.source, lead.source_detail) == (
        "campaign",
        {"utm_source": "search", "utm_medium": "cpc"},
    )
