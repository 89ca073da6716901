from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.forms import shipping_countries
from accounts.models import Membership
from commerce.core.ids import MAX_ID


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )


class SwitchCompanyForm(forms.Form):
    company = forms.IntegerField(min_value=1, max_value=MAX_ID)


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AddressFieldsMixin(forms.Form):
    line1 = forms.CharField(label=_("Street and number"), max_length=255)
    line2 = forms.CharField(label=_("Address line 2"), max_length=255, required=False)
    line4 = forms.CharField(label=_("City"), max_length=255)
    postcode = forms.CharField(label=_("Postcode"), max_length=64)
    country = forms.ModelChoiceField(queryset=shipping_countries(), label=_("Country"))

    def address_data(self) -> dict:
        return {
            key: self.cleaned_data[key]
            for key in ("line1", "line2", "line4", "postcode", "country")
        }


class CompanySignupForm(AddressFieldsMixin, NewPasswordMixin):
    """Register a business. Signed-in users skip the account fields."""

    legal_name = forms.CharField(label=_("Company legal name"), max_length=200)
    tax_id = forms.CharField(label=_("Tax ID / VAT number"), max_length=40)
    first_name = forms.CharField(label=_("Your first name"), max_length=255)
    last_name = forms.CharField(label=_("Your last name"), max_length=255)
    email = forms.EmailField(label=_("Your work email"))

    field_order = [
        "legal_name",
        "tax_id",
        "line1",
        "line2",
        "line4",
        "postcode",
        "country",
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
    ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            for name in ("first_name", "last_name", "email", "password1", "password2"):
                del self.fields[name]

    def clean_tax_id(self):
        from accounts.models import Company

        tax_id = self.cleaned_data["tax_id"].strip().upper().replace(" ", "")
        if Company.objects.filter(tax_id__iexact=tax_id).exists():
            raise forms.ValidationError(
                _("A company with this tax ID already has an account. Ask its admin to invite you.")
            )
        return tax_id


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.BUYER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class AcceptInvitationForm(NewPasswordMixin):
    first_name = forms.CharField(label=_("First name"), max_length=255)
    last_name = forms.CharField(label=_("Last name"), max_length=255)
