"""PDF documents rendered from Django templates (order confirmations, invoices)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from xhtml2pdf import pisa


class PDFError(Exception):
    pass


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise PDFError(f"Could not render {template} as PDF ({result.err} errors)")
    return out.getvalue()
