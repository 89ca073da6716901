"""The order desk's search form: Oscar's, plus site, company, payment method
(as orders record it), pending approval and overdue."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.orders import forms as oscar_forms
from oscar.core.loading import get_model

from commerce import sites
from commerce.order.models import PaymentMethod

Company = get_model("accounts", "Company")
Site = get_model("sites", "Site")

SITE_CHOICES = (("", "---------"), *((str(pk), label) for pk, label in sites.site_labels().items()))


class OrderSearchForm(oscar_forms.OrderSearchForm):
    site = forms.ChoiceField(label=_("Site"), required=False, choices=SITE_CHOICES)
    company = forms.ModelChoiceField(
        label=_("Company"), required=False, queryset=Company.objects.none()
    )
    pending_approval = forms.BooleanField(label=_("Pending approval only"), required=False)
    overdue = forms.BooleanField(label=_("With an overdue invoice"), required=False)

    def __init__(self, *args, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if companies is not None:
            self.fields["company"].queryset = companies

    def payment_method_choices(self):
        return (("", "---------"), *PaymentMethod.choices)

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("'Date from' must not be after 'Date to'."))
        # Oscar's list reads ``payment_method`` as a payment source type; orders
        # here record how they are paid on the order itself, which the desk
        # filters as ``method``.
        data["method"] = data.get("payment_method") or ""
        data["payment_method"] = ""
        return data
