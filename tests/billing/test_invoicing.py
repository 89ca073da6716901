"""Invoices when goods ship: for what shipped, gap-free numbers, exposure unchanged."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from commerce.billing import credit
from commerce.billing.invoicing import invoice_for_shipped
from commerce.billing.models import Invoice, LedgerEntry
from commerce.fulfilment.transitions import order_set_status, order_ship
from commerce.order.exceptions import IllegalStatusChange
from tests import factories
from tests.billing.conftest import THOUSAND, place_on_account

pytestmark = pytest.mark.django_db


def test_shipping_an_order_issues_its_invoice(company, account, committed):
    order = place_on_account(company)
    factories.MembershipFactory(company=company, role="admin", user__email="ap@acme.example")

    with committed():
        order_set_status(order=order, status="Shipped")

    invoice = Invoice.objects.get()
    assert (invoice.number, invoice.order, invoice.total, invoice.status) == (
        "INV-000001",
        order,
        THOUSAND,
        "open",
    )
    assert (invoice.net, invoice.tax) == (Decimal("840.34"), Decimal("159.66"))
    assert invoice.due_on == invoice.issued_on + __import__("datetime").timedelta(days=30)
    assert credit.exposure_of(account) == THOUSAND  # moved from "on order" to "invoiced"
    kinds = list(LedgerEntry.objects.order_by("pk").values_list("kind", "amount"))
    assert kinds == [
        ("order_reserved", THOUSAND),
        ("order_invoiced", -THOUSAND),
        ("invoice_issued", THOUSAND),
    ]
    assert any("INV-000001" in m.subject and "ap@acme.example" in m.to for m in mail.outbox)


def test_a_partial_shipment_invoices_what_shipped(company, account, committed):
    order = place_on_account(company, net_price="100.00", quantity=10)  # 1,190.00 gross
    line = order.lines.get()

    with committed():
        order_ship(order=order, quantities={line.pk: 4})
    order.refresh_from_db()
    first = Invoice.objects.get()
    with committed():
        order_ship(order=order)
    order.refresh_from_db()
    second = Invoice.objects.exclude(pk=first.pk).get()

    assert order.status == "Shipped"
    assert [line.quantity for line in first.lines.all()] == [4]
    assert (first.net, first.total) == (Decimal("400.00"), Decimal("476.00"))
    assert [line.quantity for line in second.lines.all()] == [6]
    assert first.total + second.total == order.total_incl_tax
    assert credit.exposure_of(account) == order.total_incl_tax


def test_invoicing_twice_issues_nothing_more(company, account):
    order = place_on_account(company)
    order_set_status(order=order, status="Shipped")
    invoice_for_shipped(order_id=order.pk)

    assert invoice_for_shipped(order_id=order.pk) is None
    assert Invoice.objects.count() == 1


def test_shipping_more_than_ordered_is_refused(company, account):
    order = place_on_account(company, net_price="10.00", quantity=2)

    with pytest.raises(IllegalStatusChange):
        order_ship(order=order, quantities={order.lines.get().pk: 3})

    assert not Invoice.objects.exists()


def test_card_orders_get_no_invoice(storefront_client, committed):
    from tests.helpers import checkout

    with committed():
        checkout(storefront_client, factories.ProductFactory(stock=5), guest_email="g@example.com")
    from oscar.core.loading import get_model

    order = get_model("order", "Order").objects.get()
    with committed():
        order_set_status(order=order, status="Shipped")

    assert not Invoice.objects.exists()


def test_the_invoice_pdf_renders(company, account, portal_client):
    order = place_on_account(company)
    order_set_status(order=order, status="Shipped")
    invoice_for_shipped(order_id=order.pk)
    portal_client.force_login(factories.MembershipFactory(company=company, role="viewer").user)

    response = portal_client.get("/invoices/INV-000001/pdf/")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_invoice_numbers_have_no_gaps_or_duplicates_under_concurrency():
    company = factories.CompanyFactory()
    factories.CompanyAddressFactory(company=company, is_default=True)
    factories.credit_account(company, limit="1000000.00")
    orders = [place_on_account(company, net_price="10.00") for _ in range(16)]
    for order in orders:
        order_ship(order=order)
    barrier = threading.Barrier(len(orders))

    def bill(order):
        try:
            barrier.wait()
            invoice_for_shipped(order_id=order.pk)
            invoice_for_shipped(order_id=order.pk)  # a retry changes nothing
        finally:
            connection.close()

    threads = [threading.Thread(target=bill, args=(o,)) for o in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"INV-{n:06d}" for n in range(1, 17)]
