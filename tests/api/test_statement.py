"""The company statement over the API (JSON and PDF), in the portal (PDF),
and emailed monthly to the billing contacts through the outbox; credit-note
PDFs; invoices that add up (delivery line, VAT per rate)."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from commerce.billing import credit
from commerce.billing.invoicing import credit_note_issue
from commerce.billing.models import StatementDispatch
from commerce.billing.statements import statements_schedule
from commerce.outbox.models import OutboxMessage
from tests.api.conftest import assert_error, portal_api, storefront_api
from tests.api.test_records import shipped_and_invoiced

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_statement_json_and_pdf_agree(company, people):
    first = shipped_and_invoiced(company, people["buyer"], net="100.00")
    second = shipped_and_invoiced(company, people["buyer"], net="50.00")
    first.due_on = date.today() - timedelta(days=40)
    first.save(update_fields=["due_on"])
    client = portal_api(people["viewer"])

    body = client.get("/api/statement/").json()

    assert {item["invoice"] for item in body["open_items"]} == {first.number, second.number}
    balance = first.total + second.total
    assert Decimal(body["balance"]) == balance
    assert Decimal(body["aging"]["31-60"]) == first.total
    assert Decimal(body["aging"]["current"]) == second.total
    assert sum(Decimal(v) for v in body["aging"].values()) == balance
    assert body["payment_instructions"]["iban"] and body["seller"]["vat_id"]

    pdf = client.get("/api/statement.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert first.number in text and second.number in text
    assert f"{balance:,.2f}" in text.replace("\u00a0", " ")


def test_statement_is_for_roles_that_see_invoices_on_the_portal(company, people):
    assert_error(portal_api(people["buyer"]).get("/api/statement/"), 403, "permission_denied")
    assert storefront_api(people["viewer"]).get("/api/statement/").status_code in (403, 404)


def test_portal_statement_pdf_download(portal_client, company, people):
    shipped_and_invoiced(company, people["buyer"])
    portal_client.force_login(people["viewer"])

    page = portal_client.get("/invoices/statement/")
    assert b"statement_pdf" in page.content and b"statement_aging" in page.content
    pdf = portal_client.get("/invoices/statement/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_credit_note_pdf(portal_client, company, people):
    invoice = shipped_and_invoiced(company, people["buyer"])
    note = credit_note_issue(
        invoice=invoice, amount=Decimal("10.00"), reason="Damaged box", actor=None
    )
    portal_client.force_login(people["viewer"])

    pdf = portal_client.get(f"/invoices/credit-notes/{note.number}/pdf/")

    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert note.number in text and invoice.number in text and "Damaged box" in text


def test_invoice_adds_up_with_delivery_and_vat_per_rate(company, people):
    invoice = shipped_and_invoiced(company, people["buyer"])
    order = invoice.order
    kinds = [line.kind for line in invoice.lines.all()]

    assert kinds == ["item", "delivery"] or order.shipping_excl_tax == 0
    assert invoice.net == order.total_excl_tax
    assert invoice.net + invoice.tax == invoice.total == order.total_incl_tax
    breakdown = invoice.vat_breakdown()
    assert sum(r["net"] for r in breakdown) == invoice.net
    assert sum(r["tax"] for r in breakdown) == invoice.tax
    text = pdf_text(portal_api(people["viewer"]).get(f"/api/invoices/{invoice.number}.pdf").content)
    assert "VAT 19%" in text and invoice.seller["vat_id"] in text and invoice.number in text


def test_monthly_statement_goes_to_billing_contacts_once(company, people, committed):
    shipped_and_invoiced(company, people["buyer"])
    mail.outbox.clear()

    with committed():
        queued = statements_schedule(date(2026, 12, 1))
    assert queued == 1
    assert statements_schedule(date(2026, 12, 15)) == 0  # once a month
    assert StatementDispatch.objects.filter(period="2026-12").count() == 1
    assert OutboxMessage.objects.filter(topic="billing.statement_email").count() == 1

    sent = [m for m in mail.outbox if "statement" in m.subject.lower()]
    assert len(sent) == 1
    viewers = set(
        credit.account_for_company(company) and [people["viewer"].email, people["admin"].email]
    )
    assert viewers <= set(sent[0].to)
    assert people["buyer"].email not in sent[0].to
    assert sent[0].attachments[0][2] == "application/pdf"


def test_a_promotion_is_named_on_the_invoice_line(company, people, settings):
    from oscar.core.loading import get_model

    from commerce.fulfilment.transitions import order_set_status, order_ship
    from commerce.order import status as order_status
    from tests import factories
    from tests.helpers import place_portal_order

    settings.DEFAULT_TAX_RATE = "0.19"
    Promotion = get_model("partner", "Promotion")
    product = factories.ProductFactory(title="Hex bolt", stock=50, stock__price="10.00")
    promo = Promotion.objects.create(name="Acme spring promotion", company=company, percent_off=7)
    promo.products.add(product)
    order = place_portal_order(company, people["buyer"], product, 4).order
    order_set_status(order=order, status=order_status.PROCESSING)
    order_ship(order=order)
    from commerce.billing.invoicing import invoice_for_shipped

    invoice = invoice_for_shipped(order_id=order.pk) or order.invoices.get()
    detail = portal_api(people["viewer"]).get(f"/api/invoices/{invoice.number}/").json()

    item = detail["lines"][0]
    assert item["description"] == "Hex bolt (Acme spring promotion \u22127%)"
    assert item["unit_net"] == "9.30"
    assert Decimal(detail["net"]) == order.total_excl_tax
