"""Oscar's catalogue dashboard forms, plus where a product is sold, its quantity
rules and who may see it; category restrictions; assortments."""

from django import forms
from django.utils import timezone
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.core.loading import get_model

from commerce.core.sanitize import sanitize_html
from commerce.imports.forms import ImportFileField

Assortment = get_model("catalogue", "Assortment")
Product = get_model("catalogue", "Product")

VISIBILITY_FIELDS = ["visible_to_companies", "visible_to_tiers"]
AUDIENCE_WIDGETS = {name: forms.SelectMultiple(attrs={"size": 6}) for name in VISIBILITY_FIELDS}


class ProductForm(oscar_forms.ProductForm):
    class Meta(oscar_forms.ProductForm.Meta):
        fields = [
            *oscar_forms.ProductForm.Meta.fields,
            "channels",
            "min_order_quantity",
            "order_multiple",
            "max_order_quantity",
            *VISIBILITY_FIELDS,
        ]
        widgets = {**oscar_forms.ProductForm.Meta.widgets, **AUDIENCE_WIDGETS}

    def clean_description(self):
        return sanitize_html(self.cleaned_data.get("description"))

    def delete_non_child_fields(self):
        # A variant is sold and seen as its parent is.
        super().delete_non_child_fields()
        for name in ["channels", *VISIBILITY_FIELDS]:
            self.fields.pop(name, None)


class StockRecordForm(oscar_forms.StockRecordForm):
    """Oscar's stock record form, plus the date an out-of-stock product is expected
    back (the delivery estimate shows it)."""

    class Meta(oscar_forms.StockRecordForm.Meta):
        fields = [*oscar_forms.StockRecordForm.Meta.fields, "back_in_stock"]
        widgets = {"back_in_stock": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"back_in_stock": "When this warehouse expects it again, if known."}

    def clean_back_in_stock(self):
        value = self.cleaned_data.get("back_in_stock")
        if value and "back_in_stock" in self.changed_data and value < timezone.localdate():
            raise forms.ValidationError("The date is in the past; leave it empty if unknown.")
        return value


class CategoryForm(oscar_forms.CategoryForm):
    class Meta(oscar_forms.CategoryForm.Meta):
        fields = [*oscar_forms.CategoryForm.Meta.fields, *VISIBILITY_FIELDS]
        widgets = {**oscar_forms.CategoryForm.Meta.widgets, **AUDIENCE_WIDGETS}

    def clean_description(self):
        return sanitize_html(self.cleaned_data.get("description"))


class AssortmentForm(forms.ModelForm):
    class Meta:
        model = Assortment
        fields = ["name", "description", "companies", "tiers", "categories", "products"]
        widgets = {
            "companies": forms.SelectMultiple(attrs={"size": 8}),
            "tiers": forms.SelectMultiple(attrs={"size": 4}),
            "categories": forms.SelectMultiple(attrs={"size": 8}),
            "products": forms.SelectMultiple(attrs={"size": 12}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = Product.objects.filter(parent__isnull=True).order_by(
            "upc"
        )
        self.fields["products"].label_from_instance = lambda p: f"{p.upc} — {p.title}"
        self.fields["categories"].label_from_instance = lambda c: c.full_name


class ProductImportForm(forms.Form):
    file = ImportFileField(label="CSV or XLSX file")
