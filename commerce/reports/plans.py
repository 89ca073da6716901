"""Staff set the monthly sales targets per dealer and per postcode region."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from commerce.core.errors import DomainError
from commerce.dealers.models import DealerProfile
from commerce.leads import services
from commerce.leads.models import SalesPlan


class PlanForm(forms.Form):
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)
    dealer = forms.ModelChoiceField(
        queryset=DealerProfile.objects.select_related("company"), required=False
    )
    region = forms.CharField(label=_("or postcode region"), max_length=2, required=False)
    target = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    def clean_month(self):
        value = self.cleaned_data["month"]
        try:
            return date.fromisoformat(value + "-01")
        except ValueError:
            raise forms.ValidationError(_("Enter the month as YYYY-MM.")) from None


class PlanView(TemplateView):
    template_name = "oscar/dashboard/reports_sales/plans.html"

    def get_context_data(self, **kwargs):
        since = timezone.localdate().replace(day=1, month=1)
        plans = SalesPlan.objects.select_related("dealer__company").filter(
            month__gte=since.replace(year=since.year - 1)
        )
        return {
            **super().get_context_data(**kwargs),
            "form": kwargs.get("form") or PlanForm(),
            "plans": plans.order_by("-month", "dealer__company__name", "region"),
        }

    def post(self, request, *args, **kwargs):
        form = PlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.plan_set(
                    month=data["month"],
                    target=data["target"],
                    dealer=data["dealer"],
                    region=data["region"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Plan saved."))
                return redirect("dashboard:sales-report-plans")
        return self.render_to_response(self.get_context_data(form=form), status=400)
