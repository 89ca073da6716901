"""Staff billing: credit accounts (terms, limits, holds, ledger), payments,
invoices and credit notes, the aging report (also as CSV). Staff scoped to
some companies (sales reps) see only those companies' accounts."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.staff_policy import company_scope, sees_all_companies
from commerce.billing import aging, credit, invoicing, payments, pdf, selectors
from commerce.billing.dashboard.forms import (
    AccountCreateForm,
    AccountSettingsForm,
    CreditNoteForm,
    HoldForm,
    PaymentForm,
)
from commerce.billing.models import CreditAccount, Invoice
from commerce.core.exports import CsvWriter
from commerce.order.exceptions import CheckoutError


class AccountListView(ListView):
    template_name = "oscar/dashboard/billing/account_list.html"
    context_object_name = "accounts"
    paginate_by = 50

    def get_queryset(self):
        accounts = company_scope(
            CreditAccount.objects.select_related("company", "user"), self.request.user
        )
        query = self.request.GET.get("q", "").strip()
        if query:
            accounts = accounts.filter(
                Q(company__name__icontains=query) | Q(user__email__icontains=query)
            )
        if self.request.GET.get("hold") == "1":
            accounts = accounts.filter(on_credit_hold=True)
        return accounts.order_by("company__name", "user__email")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.request.GET.get("q", ""), **kwargs)
        accounts = list(context["accounts"])
        standings = credit.standings(accounts)  # exposure: the credit module's one sum
        for account in accounts:
            account.exposure = standings[account.pk].exposure
            account.available = standings[account.pk].available
        return context


class AccountCreateView(FormView):
    template_name = "oscar/dashboard/billing/account_form.html"
    form_class = AccountCreateForm

    def get_initial(self):
        return {
            "terms": "net_30",
            "credit_limit": "0",
            "grace_days": 14,
            "is_active": True,
            "company": self.request.GET.get("company"),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        account = CreditAccount.objects.create(
            company=data.get("company"),
            user=data.get("user"),
            terms=data["terms"],
            credit_limit=0,
            grace_days=data["grace_days"],
            is_active=data["is_active"],
        )
        credit.credit_set_terms(
            account=account, actor=self.request.user, credit_limit=data["credit_limit"]
        )
        messages.success(self.request, f"{account} set up.")
        return redirect("dashboard:credit-account-detail", pk=account.pk)


class AccountDetailView(FormView):
    template_name = "oscar/dashboard/billing/account_detail.html"
    form_class = AccountSettingsForm

    def dispatch(self, request, *args, **kwargs):
        self.account = get_object_or_404(
            _accounts(request).select_related("company", "user"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        a = self.account
        return {
            "terms": a.terms,
            "credit_limit": a.credit_limit,
            "grace_days": a.grace_days,
            "is_active": a.is_active,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            account=self.account,
            standing=credit.standing(self.account),
            ledger=self.account.ledger.select_related("actor").order_by("-created_at", "-pk")[:100],
            invoices=selectors.invoices_of(self.account)[:50],
            payment_form=PaymentForm(account=self.account),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        credit.credit_set_terms(
            account=self.account,
            actor=self.request.user,
            terms=data["terms"],
            credit_limit=data["credit_limit"],
            grace_days=data["grace_days"],
            is_active=data["is_active"],
        )
        messages.success(self.request, "Credit settings saved.")
        return redirect("dashboard:credit-account-detail", pk=self.account.pk)


class AccountHoldView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        account = get_object_or_404(_accounts(request), pk=pk)
        form = HoldForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose hold or release.")
        elif form.cleaned_data["action"] == "hold":
            credit.credit_hold(
                account=account,
                actor=request.user,
                reason=form.cleaned_data["reason"] or "Held by staff",
            )
            messages.success(request, "Account put on credit hold.")
        else:
            credit.credit_release_hold(account=account, actor=request.user)
            messages.success(request, "Credit hold released.")
        return redirect("dashboard:credit-account-detail", pk=account.pk)


class PaymentCreateView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        account = get_object_or_404(_accounts(request), pk=pk)
        form = PaymentForm(request.POST, account=account)
        if not form.is_valid():
            messages.error(
                request,
                "Payment not recorded: "
                + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
            )
            return redirect("dashboard:credit-account-detail", pk=account.pk)
        data = form.cleaned_data
        try:
            payment = payments.payment_record(
                account=account,
                amount=data["amount"],
                currency=data["currency"].upper(),
                received_on=data["received_on"],
                reference=data["reference"],
                method=data["method"],
                allocations={data["invoice"]: data["amount"]} if data["invoice"] else None,
                actor=request.user,
            )
        except CheckoutError as error:
            messages.error(request, f"Payment not recorded: {error}")
        else:
            messages.success(
                request,
                f"Payment {payment.reference} of {payment.amount} {payment.currency} recorded.",
            )
        return redirect("dashboard:credit-account-detail", pk=account.pk)


class InvoiceListView(ListView):
    template_name = "oscar/dashboard/billing/invoice_list.html"
    context_object_name = "invoices"
    paginate_by = 50

    def get_queryset(self):
        invoices = company_scope(
            Invoice.objects.select_related("account__company", "account__user", "order"),
            self.request.user,
            field="account__company",
        )
        status = self.request.GET.get("status")
        if status in Invoice.Status.values:
            invoices = invoices.filter(status=status)
        if self.request.GET.get("overdue") == "1":
            invoices = invoices.exclude(status=Invoice.Status.PAID).filter(
                due_on__lt=timezone.localdate()
            )
        query = self.request.GET.get("q", "").strip()
        if query:
            invoices = invoices.filter(
                Q(number__icontains=query)
                | Q(order__number__icontains=query)
                | Q(account__company__name__icontains=query)
            )
        return invoices.order_by("-issued_on", "-number")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=Invoice.Status.choices, query=self.request.GET.get("q", ""), **kwargs
        )


def _accounts(request):
    return company_scope(CreditAccount.objects.all(), request.user)


def _invoice(request, number):
    invoice = (
        company_scope(Invoice.objects.all(), request.user, field="account__company")
        .select_related("account__company", "account__user", "order")
        .filter(number=number)
        .first()
    )
    if invoice is None:
        raise Http404("No such invoice")
    return invoice


class InvoiceDetailView(TemplateView):
    template_name = "oscar/dashboard/billing/invoice_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            invoice=_invoice(self.request, self.kwargs["number"]),
            credit_note_form=CreditNoteForm(),
            **kwargs,
        )


class InvoicePDFView(pdf.InvoicePDFView):
    def invoice_for(self, request, number):
        return _invoice(request, number)


class CreditNoteCreateView(View):
    http_method_names = ["post"]

    def post(self, request, number):
        invoice = _invoice(request, number)
        form = CreditNoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Credit note not issued: enter an amount and a reason.")
            return redirect("dashboard:invoice-detail", number=number)
        try:
            note = invoicing.credit_note_issue(
                invoice=invoice,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except CheckoutError as error:
            messages.error(request, f"Credit note not issued: {error}")
        else:
            messages.success(request, f"Credit note {note.number} issued.")
        return redirect("dashboard:invoice-detail", number=number)


class AgingView(TemplateView):
    template_name = "oscar/dashboard/billing/aging.html"

    def get(self, request, *args, **kwargs):
        scoped = not sees_all_companies(request.user)
        rows, overall = aging.aging_report(accounts=_accounts(request) if scoped else None)
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="aging.csv"'
            writer = CsvWriter(response)
            writer.writerow(["account", *aging.BUCKETS, "total"])
            for row in [*rows, overall]:
                writer.writerow(
                    [row.name, *[f"{v:.2f}" for v in row.buckets.values()], f"{row.total:.2f}"]
                )
            return response
        return self.render_to_response(
            self.get_context_data(rows=rows, overall=overall, buckets=aging.BUCKETS)
        )
