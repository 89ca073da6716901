"""The dealer's pages in the portal: queue, order, actions, stock upload."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from commerce.dealers.models import DealerRouting, DealerStock
from tests import factories
from tests.dealers.test_flow import buy
from tests.helpers import page_queries

pytestmark = pytest.mark.django_db


def portal_as(user) -> Client:
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(user)
    return client


def test_queue_accept_reject_pages(network):
    _, body = buy(network["bike"])
    number = body["number"]
    dealer = portal_as(network["admins"][network["best"].pk])

    queries, response = page_queries(dealer, "/dealer/orders/")
    assert number in response.content.decode()
    assert "dealer_queue_link" in response.content.decode()
    buy(network["bike"], user=factories.UserFactory())
    assert page_queries(dealer, "/dealer/orders/")[0] == queries

    page = dealer.get(f"/dealer/orders/{number}/")
    assert "Invalidenstr. 1" in page.content.decode()
    dealer.post(f"/dealer/orders/{number}/reject/", {"reason": ""})
    assert DealerRouting.objects.get(order__number=number).dealer_id == network["best"].pk
    dealer.post(f"/dealer/orders/{number}/reject/", {"reason": "closed for holidays"})
    assert DealerRouting.objects.get(order__number=number).dealer_id == network["second"].pk
    assert dealer.get(f"/dealer/orders/{number}/").status_code == 404


def test_a_buyer_company_member_cannot_open_the_queue(network):
    buyer = factories.MembershipFactory(company=factories.CompanyFactory(status="active")).user
    response = portal_as(buyer).get("/dealer/orders/")
    assert response.status_code == 403
    assert "dealer_queue_link" not in portal_as(buyer).get("/").content.decode()


def test_stock_upload_sets_all_or_nothing(network):
    dealer = portal_as(network["admins"][network["second"].pk])
    sku = network["bike"].upc
    good = SimpleUploadedFile("s.csv", f"sku,quantity\n{sku},9\n".encode(), "text/csv")
    dealer.post("/dealer/stock/", {"file": good})
    row = DealerStock.objects.get(dealer=network["second"], product=network["bike"])
    assert row.num_in_stock == 9
    bad = SimpleUploadedFile("s.csv", f"{sku},3\nNOPE,1\n".encode(), "text/csv")
    dealer.post("/dealer/stock/", {"file": bad})
    worse = SimpleUploadedFile("s.csv", f"{sku},-3\n".encode(), "text/csv")
    dealer.post("/dealer/stock/", {"file": worse})
    row.refresh_from_db()
    assert row.num_in_stock == 9
