"""Order history on both sites, order detail, reorder and the confirmation PDF."""

import pytest
from django.conf import settings
from oscar.core.loading import get_model

from tests import factories
from tests.helpers import checkout
from tests.orders.conftest import checkout_data, portal_buyer

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db


def order_through_portal_pages(client, company, product, quantity=1, **data):
    client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})
    response = client.post("/checkout/", checkout_data(company, **data))
    assert response.status_code == 302, response.content[:3000]
    return Order.objects.latest("pk")


def test_company_orders_are_listed_and_filtered(company):
    product = factories.ProductFactory(stock=100)
    alice, bob = portal_buyer(company), portal_buyer(company)
    first = order_through_portal_pages(alice, company, product, po_number="PO-1")
    second = order_through_portal_pages(bob, company, product, po_number="PO-2")
    viewer = portal_buyer(company, role="viewer")

    everything = viewer.get("/orders/")
    by_po = viewer.get("/orders/", {"q": "PO-2"})
    by_buyer = viewer.get("/orders/", {"buyer": first.user_id})
    by_status = viewer.get("/orders/", {"status": "Shipped"})

    assert [o.number for o in everything.context["orders"]] == [second.number, first.number]
    assert [o.number for o in by_po.context["orders"]] == [second.number]
    assert [o.number for o in by_buyer.context["orders"]] == [first.number]
    assert list(by_status.context["orders"]) == []


def test_bad_filters_are_ignored_not_errors(company):
    client = portal_buyer(company)

    response = client.get("/orders/", {"date_from": "yesterday", "buyer": "x", "status": "Lost"})

    assert response.status_code == 200


def test_order_detail_shows_lines_reasons_and_history(company):
    product = factories.ProductFactory(title="Hex bolt", stock=100)
    factories.price(factories.contract_list(company), product, "4.00")
    client = portal_buyer(company)
    order = order_through_portal_pages(client, company, product, quantity=5, notes="Gate 3")

    page = client.get(f"/orders/{order.number}/").content.decode()

    assert "Hex bolt" in page and "Your contract price" in page
    assert "Gate 3" in page
    assert "On account" in page


def test_another_companys_order_is_not_found(company):
    order = order_through_portal_pages(
        portal_buyer(company), company, factories.ProductFactory(stock=10)
    )
    other = factories.CompanyFactory(name="Other")
    stranger = portal_buyer(other)

    for url in (f"/orders/{order.number}/", f"/orders/{order.number}/confirmation.pdf"):
        assert stranger.get(url).status_code == 404
    assert stranger.post(f"/orders/{order.number}/reorder/").status_code == 404


def test_the_confirmation_downloads_as_a_pdf(company):
    client = portal_buyer(company)
    order = order_through_portal_pages(
        client, company, factories.ProductFactory(stock=10), po_number="PO-9"
    )

    response = client.get(f"/orders/{order.number}/confirmation.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"order-{order.number}.pdf" in response["Content-Disposition"]


def test_reorder_fills_the_basket_at_todays_prices(company):
    product = factories.ProductFactory(stock=100, stock__price="10.00")
    client = portal_buyer(company)
    order = order_through_portal_pages(client, company, product, quantity=4)
    factories.price(factories.contract_list(company), product, "7.00")

    response = client.post(f"/orders/{order.number}/reorder/", follow=True)

    basket = response.context["basket"]
    [line] = basket.all_lines()
    assert (line.quantity, line.purchase_info.price.excl_tax) == (4, 7)


def test_reorder_skips_what_is_no_longer_sold(company):
    product = factories.ProductFactory(title="Old bolt", stock=100)
    client = portal_buyer(company)
    order = order_through_portal_pages(client, company, product)
    product.is_public = False
    product.save()

    response = client.post(f"/orders/{order.number}/reorder/", follow=True)

    assert "Old bolt: no longer sold" in response.content.decode()
    assert response.context["basket"].num_items == 0


def test_storefront_history_shows_personal_orders_only(storefront_client, company, committed):
    member = factories.MembershipFactory(company=company)
    portal = portal_buyer(company)
    portal.force_login(member.user)
    company_order = order_through_portal_pages(portal, company, factories.ProductFactory(stock=10))
    storefront_client.force_login(member.user)
    checkout(storefront_client, factories.ProductFactory(stock=10))
    personal = Order.objects.get(site_id=settings.STOREFRONT_SITE_ID)

    listed = storefront_client.get("/accounts/orders/")

    assert [o.number for o in listed.context["orders"]] == [personal.number]
    assert storefront_client.get(f"/accounts/orders/{company_order.number}/").status_code == 404
    assert storefront_client.get(f"/accounts/orders/{personal.number}/").status_code == 200


def test_the_portal_sends_personal_history_links_to_company_orders(company):
    client = portal_buyer(company)

    assert client.get("/accounts/orders/")["Location"] == "/orders/"
