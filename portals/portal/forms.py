from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from commerce.core.ids import MAX_ID


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )


class SwitchCompanyForm(forms.Form):
    company = forms.IntegerField(min_value=1, max_value=MAX_ID)
