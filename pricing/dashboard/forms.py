from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from accounts.models import Company, LoyaltyTier
from commerce.core.ids import MAX_ID
from commerce.imports.forms import ImportFileField

PriceList = get_model("partner", "PriceList")
PriceListEntry = get_model("partner", "PriceListEntry")
Product = get_model("catalogue", "Product")

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PriceListForm(forms.ModelForm):
    class Meta:
        model = PriceList
        fields = [
            "name",
            "code",
            "kind",
            "company",
            "currency",
            "is_active",
            "valid_from",
            "valid_until",
            "description",
        ]
        widgets = {"valid_from": DATETIME, "valid_until": DATETIME}

    def clean(self):
        cleaned = super().clean()
        kind, company = cleaned.get("kind"), cleaned.get("company")
        if kind == PriceList.Kind.CONTRACT and company is None:
            self.add_error("company", _("A contract list belongs to a company."))
        if kind == PriceList.Kind.TIER and company is not None:
            self.add_error("company", _("A tier list is shared; leave the company empty."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The end must be after the start."))
        return cleaned


class EntryForm(forms.ModelForm):
    sku = forms.CharField(label=_("SKU"), max_length=64)

    class Meta:
        model = PriceListEntry
        fields = ["sku", "min_quantity", "unit_price", "valid_from", "valid_until"]
        widgets = {"valid_from": DATETIME, "valid_until": DATETIME}

    def __init__(self, *args, price_list, **kwargs):
        super().__init__(*args, **kwargs)
        self.price_list = price_list
        if self.instance.pk:
            self.fields["sku"].initial = self.instance.product.upc

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        product = Product.objects.filter(upc__iexact=sku).first()
        if product is None:
            raise forms.ValidationError(_("No product with this SKU."))
        self.instance.product = product
        return sku

    def clean(self):
        cleaned = super().clean()
        self.instance.price_list = self.price_list
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The end must be after the start."))
        if self.instance.product_id and cleaned.get("min_quantity"):
            clash = PriceListEntry.objects.filter(
                price_list=self.price_list,
                product=self.instance.product,
                min_quantity=cleaned["min_quantity"],
                valid_from=start,
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "min_quantity", _("This list already has this break for this product.")
                )
        return cleaned


class ImportForm(forms.Form):
    file = ImportFileField(label=_("CSV file"))
    mode = forms.ChoiceField(
        choices=[("replace", _("Replace the whole list")), ("merge", _("Add and update entries"))],
        initial="replace",
    )


class PriceTraceForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000, initial=1)
    company = forms.ModelChoiceField(
        queryset=Company.objects.order_by("name"), required=False, label=_("Company (portal)")
    )
    consumer = forms.EmailField(required=False, label=_("Consumer email (storefront)"))
    voucher = forms.CharField(
        required=False, max_length=40, label=_("Voucher code"), help_text=_("As if applied")
    )

    def clean_voucher(self):
        return self.cleaned_data["voucher"].strip().upper()

    def clean_sku(self):
        product = Product.objects.filter(upc__iexact=self.cleaned_data["sku"].strip()).first()
        if product is None:
            raise forms.ValidationError(_("No product with this SKU."))
        return product

    def clean_consumer(self):
        email = self.cleaned_data["consumer"]
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account with this email."))
        return user

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("company") and cleaned.get("consumer"):
            raise forms.ValidationError(_("Choose a company or a consumer, not both."))
        return cleaned


class LoyaltyTierForm(forms.ModelForm):
    class Meta:
        model = LoyaltyTier
        fields = [
            "name",
            "code",
            "rank",
            "discount_percent",
            "min_spend",
            "min_orders",
            "max_return_rate",
            "is_active",
        ]


class EntrySearchForm(forms.Form):
    sku = forms.CharField(required=False, max_length=64)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
