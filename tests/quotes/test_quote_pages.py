"""Quotes on the pages: the buyer asks from the basket and orders the accepted
quote in the portal; the rep offers in the dashboard (their companies only);
expiry by the hourly task."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.quotes.models import Quote
from commerce.quotes.tasks import expire_quotes
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def test_request_offer_accept_and_order_on_the_pages(portal_client, company, people, rep):
    product = factories.ProductFactory(stock=10, stock__price="100.00")
    portal_client.force_login(people["buyer"])
    portal_client.post(f"/basket/add/{product.pk}/", {"quantity": 3})
    requested = portal_client.post("/quotes/request/", {"message": "Three please"})
    quote = Quote.objects.get()
    assert requested.url == f"/quotes/{quote.pk}/"

    staff = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    staff.force_login(rep)
    assert quote.number in staff.get("/dashboard/quotes/").content.decode()
    line = quote.lines.get()
    staff.post(
        f"/dashboard/quotes/{quote.pk}/",
        {
            "action": "offer",
            f"price_{line.pk}": "90.00",
            "valid_until": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "message": "90 each",
        },
    )
    quote.refresh_from_db()
    assert quote.status == "offered"

    portal_client.post(f"/quotes/{quote.pk}/", {"action": "accept"})
    ship_to = company.addresses.get(kind="ship_to", is_default=True)
    placed = portal_client.post(
        f"/quotes/{quote.pk}/", {"action": "order", "ship_to": ship_to.pk, "po_number": "PO-9"}
    )

    order = Order.objects.get()
    assert placed.url == f"/orders/{order.number}/"
    assert (order.po_number, order.lines.get().unit_price_excl_tax) == ("PO-9", Decimal("90.00"))
    assert quote.number in portal_client.get(f"/quotes/{quote.pk}/").content.decode()


def test_a_rep_does_not_see_other_companies_quotes(portal_client, company, people, rep):
    other = factories.business("Globex")
    member = factories.MembershipFactory(company=other, role="buyer").user
    product = factories.ProductFactory(stock=10, stock__price="100.00")
    portal_client.force_login(member)
    portal_client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    portal_client.post("/quotes/request/", {"message": "x"})
    quote = Quote.objects.get()

    staff = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    staff.force_login(rep)
    assert staff.get(f"/dashboard/quotes/{quote.pk}/").status_code == 404
    assert quote.number not in staff.get("/dashboard/quotes/").content.decode()
    portal_client.force_login(people["buyer"])
    assert portal_client.get(f"/quotes/{quote.pk}/").status_code == 404


def test_offers_past_their_date_expire(company, people, rep, committed):
    from commerce.quotes import services

    membership = people["buyer"].memberships.get(company=company)
    product = factories.ProductFactory(stock=10, stock__price="100.00")
    quote = services.quote_request(membership=membership, lines=[(product, 1, None)])
    services.quote_offer(
        quote=quote,
        actor=rep,
        prices={quote.lines.get().pk: "80.00"},
        valid_until=timezone.localdate(),
    )
    assert expire_quotes() == 0
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=1))

    with committed():
        assert expire_quotes() == 1

    quote.refresh_from_db()
    assert quote.status == "expired"
    assert quote.events.last().kind == "expired"


def test_the_quote_list_pages_cost_constant_queries(portal_client, company, people, rep):
    from commerce.quotes import services

    membership = people["buyer"].memberships.get(company=company)
    portal_client.force_login(people["buyer"])
    staff = Client(HTTP_HOST=settings.STOREFRONT_HOST)
    staff.force_login(rep)
    product = factories.ProductFactory(stock=10, stock__price="100.00")
    services.quote_request(membership=membership, lines=[(product, 1, None)])
    few = (count_queries(portal_client, "/quotes/"), count_queries(staff, "/dashboard/quotes/"))
    for _ in range(6):
        services.quote_request(membership=membership, lines=[(product, 1, None)])
    assert (
        count_queries(portal_client, "/quotes/"),
        count_queries(staff, "/dashboard/quotes/"),
    ) == few
