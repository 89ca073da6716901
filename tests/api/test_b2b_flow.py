"""The whole B2B flow over HTTP: token sign-in, prices, basket, a checkout
that needs approval, the approver's decision, shipping, the invoice."""

from decimal import Decimal

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from commerce.approvals.models import ApprovalRule
from commerce.fulfilment.transitions import order_set_status, order_ship
from commerce.order import status as order_status
from tests import factories

pytestmark = pytest.mark.django_db


def sign_in(email: str, password: str = "secret-pass-1") -> APIClient:
    client = APIClient(HTTP_HOST=settings.PORTAL_HOST)
    response = client.post(
        "/api/auth/token/", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 201, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_buyer_orders_over_approval_and_the_invoice_appears(company, people, committed):
    for user in people.values():
        user.set_password("secret-pass-1")
        user.save()
    ApprovalRule.objects.create(company=company, kind="order_total", amount=Decimal("100.00"))
    contract = factories.contract_list(company)
    product = factories.ProductFactory(stock=50, stock__price="20.00")
    factories.price(contract, product, "15.00")
    factories.price(contract, product, "12.00", min_quantity=10)

    buyer = sign_in("buyer@acme.example")
    listed = buyer.get("/api/products/", {"sku": product.upc}).json()["results"]
    assert [p["id"] for p in listed] == [product.pk]
    price = listed[0]["price"]
    assert (price["unit"], price["incl_tax"], price["reason"]) == (
        "15.00",
        False,
        "Your contract price",
    )
    assert price["breaks"] == [
        {"min_quantity": 1, "unit": "15.00", "reason": "Your contract price"},
        {"min_quantity": 10, "unit": "12.00", "reason": "Your contract price (10+)"},
    ]

    line = buyer.post("/api/basket/lines/", {"product": product.pk, "quantity": 10}, format="json")
    assert line.status_code == 201
    assert (line.json()["unit_price"], line.json()["reason"]) == (
        "12.00",
        "Your contract price (10+)",
    )

    ship_to = company.addresses.get(kind="ship_to", is_default=True)
    with committed():
        placed = buyer.post(
            "/api/checkout/",
            {"payment_method": "account", "ship_to": ship_to.pk, "po_number": "PO-77"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="flow-1",
        )
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert (order["status"], order["po_number"], order["total_excl_tax"]) == (
        order_status.PENDING_APPROVAL,
        "PO-77",
        "145.00",  # 10 x 12.00 + 25.00 freight
    )

    approver = sign_in("approver@acme.example")
    inbox = approver.get("/api/approvals/").json()
    assert [(a["order"], a["status"]) for a in inbox["results"]] == [(order["number"], "pending")]
    assert inbox["results"][0]["requested_by"] == "buyer@acme.example"
    with committed():
        decided = approver.post(
            f"/api/approvals/{inbox['results'][0]['id']}/approve/", {"comment": "ok"}, format="json"
        )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    assert buyer.get(f"/api/orders/{order['number']}/").json()["status"] == order_status.PLACED

    from commerce.order.models import Order

    placed_order = Order.objects.get(number=order["number"])
    with committed():
        order_set_status(order=placed_order, status=order_status.PROCESSING)
        order_ship(order=placed_order)

    detail = buyer.get(f"/api/orders/{order['number']}/").json()
    assert detail["status"] == order_status.SHIPPED
    assert [h["new_status"] for h in detail["history"]] == [
        order_status.PLACED,
        order_status.PROCESSING,
        order_status.SHIPPED,
    ]
    invoices = approver.get("/api/invoices/").json()["results"]
    assert [(i["order"], i["total"], i["status"]) for i in invoices] == [
        (order["number"], "172.55", "open")
    ]
    pdf = approver.get(f"/api/invoices/{invoices[0]['number']}.pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
