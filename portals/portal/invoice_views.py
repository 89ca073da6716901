"""Invoices and the account statement in the portal (for roles that may see them)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts import policy
from commerce.billing import card_payments, credit, pdf, selectors, statements
from commerce.billing.models import CreditNote
from commerce.billing.payments import PaymentRefused
from commerce.checkout.forms import CardForm
from commerce.checkout.request import tokenize_card
from commerce.core.errors import DomainError
from portals.portal.mixins import ActionRequiredMixin

Action = policy.Action


class _AccountMixin(ActionRequiredMixin):
    required_action = Action.VIEW_INVOICES

    def account(self):
        return credit.account_for_company(self.request.company)


class InvoiceListView(_AccountMixin, ListView):
    template_name = "portal/invoices/list.html"
    context_object_name = "invoices"
    paginate_by = 25

    def get_queryset(self):
        return selectors.invoices_of(self.account())

    def get_context_data(self, **kwargs):
        account = self.account()
        return super().get_context_data(
            account=account,
            standing=credit.standing(account) if account else None,
            **kwargs,
        )


class InvoiceDetailView(_AccountMixin, TemplateView):
    template_name = "portal/invoices/detail.html"

    def get_context_data(self, **kwargs):
        invoice = selectors.invoice_of(self.account(), self.kwargs["number"])
        if invoice is None:
            raise Http404("No such invoice")
        return super().get_context_data(invoice=invoice, **kwargs)


class InvoicePDFView(_AccountMixin, pdf.InvoicePDFView):
    def invoice_for(self, request, number):
        return selectors.invoice_of(self.account(), number)


class StatementView(_AccountMixin, TemplateView):
    template_name = "portal/invoices/statement.html"

    def get_context_data(self, **kwargs):
        account = self.account()
        return super().get_context_data(
            account=account,
            rows=selectors.statement(account) if account else [],
            statement=statements.statement_for(account) if account else None,
            standing=credit.standing(account) if account else None,
            **kwargs,
        )


class StatementPDFView(_AccountMixin, View):
    def get(self, request):
        account = self.account()
        if account is None:
            raise Http404("No account with payment terms")
        return pdf.statement_pdf_response(statements.statement_for(account))


class CreditNotePDFView(_AccountMixin, View):
    def get(self, request, number: str):
        account = self.account()
        note = (
            CreditNote.objects.filter(invoice__account=account, number=number)
            .select_related("invoice__order", "invoice__account__company")
            .first()
            if account is not None
            else None
        )
        if note is None:
            raise Http404("No such credit note")
        return pdf.credit_note_pdf_response(note)


class InvoicePayView(_AccountMixin, TemplateView):
    """Select open invoices (or part of one) and pay them by card."""

    template_name = "portal/invoices/pay.html"

    def open_invoices(self):
        account = self.account()
        if account is None:
            return []
        return [i for i in selectors.invoices_of(account) if i.balance > 0]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("card_form", CardForm())
        return super().get_context_data(invoices=self.open_invoices(), **kwargs)

    def post(self, request):
        account = self.account()
        if account is None:
            raise Http404("No invoices")
        parts = {}
        try:
            for number in request.POST.getlist("invoice")[:100]:
                raw = request.POST.get(f"amount_{number}", "").strip()
                try:
                    parts[number] = Decimal(raw) if raw else None
                except InvalidOperation as error:
                    raise PaymentRefused(f"'{raw}' is not an amount.") from error
            token = request.POST.get("card_token", "").strip()
            card_form = CardForm(request.POST)
            if not token:
                if not card_form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(card_form=card_form), status=400
                    )
                token = tokenize_card(card_form).token
            payment = card_payments.invoices_pay_by_card(
                account=account, parts=parts, card_token=token, actor=request.user
            )
        except DomainError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        messages.success(
            request,
            f"Thank you: {payment.amount} {payment.currency} paid. A receipt is on its way.",
        )
        return redirect("portal:invoice-list")
