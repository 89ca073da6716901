from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CompanyAddress
from commerce.checkout.forms import CardForm
from commerce.order.models import PaymentMethod


class PortalCheckoutForm(forms.Form):
    ship_to = forms.ModelChoiceField(
        queryset=CompanyAddress.objects.none(), label=_("Ship to"), empty_label=None
    )
    shipping_method = forms.ChoiceField(label=_("Delivery"), widget=forms.RadioSelect)
    po_number = forms.CharField(label=_("PO number"), max_length=64, required=False)
    requested_delivery_date = forms.DateField(
        label=_("Requested delivery date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(
        label=_("Notes for this order"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    payment_method = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, company, methods, payment_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["ship_to"].queryset = company.addresses.filter(
            kind=CompanyAddress.Kind.SHIP_TO, is_active=True
        ).order_by("-is_default", "label")
        default = self.fields["ship_to"].queryset.first()
        if default is not None:
            self.fields["ship_to"].initial = default.pk
        self.fields["shipping_method"].choices = [(m.code, m.name) for m in methods]
        if methods:
            self.fields["shipping_method"].initial = methods[0].code
        self.fields["payment_method"].choices = payment_choices
        if payment_choices:
            self.fields["payment_method"].initial = payment_choices[0][0]
        if company.po_number_required:
            self.fields["po_number"].required = True
            self.fields["po_number"].help_text = _("Required by your company.")

    def clean_requested_delivery_date(self):
        wanted = self.cleaned_data["requested_delivery_date"]
        if wanted and wanted <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date from tomorrow on."))
        if wanted and wanted > timezone.localdate() + timedelta(days=365):
            raise forms.ValidationError(_("Choose a date within a year."))
        return wanted


class OptionalCardForm(CardForm):
    """The card fields of the portal checkout, used only when paying by card."""

    use_required_attribute = False


PAYMENT_LABELS = dict(PaymentMethod.choices)


def payment_choices(account) -> list[tuple[str, str]]:
    """Payment methods offered to this company: on account first when it has terms."""
    choices = []
    if account is not None and account.is_active:
        choices.append((PaymentMethod.ACCOUNT, PAYMENT_LABELS[PaymentMethod.ACCOUNT]))
    choices.append((PaymentMethod.CARD, PAYMENT_LABELS[PaymentMethod.CARD]))
    return choices
