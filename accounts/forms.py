from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from accounts.models import Company, CompanyAddress, Membership

Country = get_model("address", "Country")


def shipping_countries():
    return Country.objects.filter(is_shipping_country=True).order_by(
        "-display_order", "printable_name"
    )


class ShipToForm(forms.ModelForm):
    make_default = forms.BooleanField(label=_("Default ship-to"), required=False)

    class Meta:
        model = CompanyAddress
        fields = [
            "label",
            "first_name",
            "last_name",
            "line1",
            "line2",
            "line4",
            "state",
            "postcode",
            "country",
            "phone_number",
            "notes",
        ]
        labels = {"line1": _("Street and number"), "line4": _("City"), "notes": _("Delivery notes")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = shipping_countries()
        self.fields["label"].required = True

    def address_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CompanyDetailsForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "name",
            "tax_id",
            "email",
            "phone",
            "po_number_required",
            "allow_one_off_addresses",
            "price_tier",
        ]


class SalesRepsForm(forms.Form):
    sales_reps = forms.ModelMultipleChoiceField(queryset=None, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sales_reps"].queryset = candidates


class CompanyStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Company.Status.choices)
    reason = forms.CharField(max_length=300, required=False)


class AddMemberForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.BUYER)


class MemberUpdateForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
    is_active = forms.BooleanField(required=False)


class AddressEditMixin:
    """A FormView editing one company address (``self.address``, set by the
    view): the address form on a fresh copy of the row, with "make default"
    offered for a ship-to only."""

    form_class = ShipToForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = CompanyAddress.objects.get(pk=self.address.pk)
        kwargs["initial"] = {"make_default": self.address.is_default}
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.address.kind == CompanyAddress.Kind.BILL_TO:
            del form.fields["make_default"]
        return form
