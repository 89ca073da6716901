"""The one invoice PDF: every door (dashboard, portal, storefront account, API)
answers with this response once it has found an invoice its caller may see."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views import View

from commerce.core.pdf import render_pdf


def invoice_pdf_response(invoice) -> HttpResponse:
    response = HttpResponse(
        render_pdf("pdf/invoice.html", {"invoice": invoice}), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


def statement_pdf_response(statement) -> HttpResponse:
    from commerce.billing.statements import statement_filename, statement_pdf

    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statement_filename(statement)}"'
    return response


def credit_note_pdf_response(note) -> HttpResponse:
    response = HttpResponse(
        render_pdf("pdf/credit_note.html", {"note": note, "invoice": note.invoice}),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{note.number}.pdf"'
    return response


class InvoicePDFView(View):
    """Download an invoice as PDF; a door says which invoice its caller may see."""

    def invoice_for(self, request, number: str):
        raise NotImplementedError

    def get(self, request, number: str):
        invoice = self.invoice_for(request, number)
        if invoice is None:
            raise Http404("No such invoice")
        return invoice_pdf_response(invoice)
