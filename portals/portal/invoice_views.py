"""Invoices and the account statement in the portal (for roles that may see them)."""

from django.http import Http404
from django.views.generic import ListView, TemplateView

from accounts import policy
from commerce.billing import credit, pdf, selectors
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
            standing=credit.standing(account) if account else None,
            **kwargs,
        )
