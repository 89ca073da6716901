from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CardNumberInput(forms.TextInput):
    """A card number field that never writes a submitted number back into the
    page: a form shown again after an error asks for the number afresh."""

    def format_value(self, value):
        return None


class CardForm(forms.Form):
    """Card details, tokenized by the gateway at once and never stored or logged.

    (With a hosted-fields gateway the browser tokenizes and only the token is
    posted; the sandbox tokenizes server-side so the flow can be tried.)
    """

    number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=CardNumberInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    expiry = forms.RegexField(
        label=_("Expiry (MM/YY)"),
        regex=r"^\s*(0[1-9]|1[0-2])\s*/\s*(\d{2})\s*$",
        error_messages={"invalid": _("Enter the expiry as MM/YY, e.g. 04/29.")},
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/YY"}),
    )
    cvc = forms.CharField(
        label=_("Security code"),
        max_length=4,
        widget=forms.PasswordInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )

    def expiry_parts(self) -> tuple[int, int]:
        month, year = self.cleaned_data["expiry"].replace(" ", "").split("/")
        century = timezone.localdate().year // 100 * 100
        return int(month), century + int(year)


class InstalmentChoiceForm(forms.Form):
    """Pay in full, or in one of the instalment plans the preview offers
    (``commerce.checkout.preview.instalment_options``)."""

    instalments = forms.TypedChoiceField(
        label=_("How would you like to pay?"),
        coerce=int,
        empty_value=0,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalments"].choices = [("", _("Pay in full now"))] + [
            (
                str(option.count),
                _("Pay in %(count)s monthly instalments (0 %%)") % {"count": option.count},
            )
            for option in options
        ]
