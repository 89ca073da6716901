from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Company
from commerce.billing.models import CreditAccount, Payment
from commerce.billing.terms import Terms


class AccountSettingsForm(forms.Form):
    terms = forms.ChoiceField(choices=Terms.choices)
    credit_limit = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    grace_days = forms.IntegerField(min_value=0, max_value=365)
    is_active = forms.BooleanField(required=False, label=_("Terms enabled"))


class AccountCreateForm(AccountSettingsForm):
    company = forms.ModelChoiceField(queryset=Company.objects.none(), required=False)
    consumer_email = forms.EmailField(
        required=False, label=_("Or a consumer's email (Pay in 30 days)")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(
            credit_account__isnull=True
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        company, email = cleaned.get("company"), cleaned.get("consumer_email")
        if bool(company) == bool(email):
            raise forms.ValidationError(
                _("Choose a company or give a consumer's email (one of the two).")
            )
        if email:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.filter(email__iexact=email).first()
            if user is None:
                self.add_error("consumer_email", _("No account with this email."))
            elif CreditAccount.objects.filter(user=user).exists():
                self.add_error("consumer_email", _("This consumer already has a credit account."))
            cleaned["user"] = user
        return cleaned


class HoldForm(forms.Form):
    action = forms.ChoiceField(choices=[("hold", "hold"), ("release", "release")])
    reason = forms.CharField(max_length=200, required=False)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2)
    currency = forms.CharField(max_length=3)
    received_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(max_length=100)
    method = forms.ChoiceField(choices=Payment.Method.choices)
    invoice = forms.CharField(
        required=False, max_length=20, help_text=_("Leave empty to pay the oldest invoices first.")
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].initial = account.currency
        self.fields["received_on"].initial = timezone.localdate()


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2)
    reason = forms.CharField(max_length=300)
