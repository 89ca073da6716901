"""Oscar's catalogue dashboard forms, plus where a product is sold, its quantity
rules and who may see it; category restrictions; assortments."""

from django import forms
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
