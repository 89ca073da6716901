from django import forms
from django.contrib import admin
from oscar.apps.catalogue import admin as oscar_admin
from oscar.apps.catalogue.admin import *  # noqa: F403
from oscar.core.loading import get_model

from commerce.core.sanitize import sanitize_html

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Assortment = get_model("catalogue", "Assortment")

admin.site.unregister(Product)
admin.site.unregister(Category)


class ProductAdminForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = "__all__"  # noqa: DJ007 - the admin picks the fields; this only cleans one

    def clean_description(self):
        return sanitize_html(self.cleaned_data.get("description"))


@admin.register(Product)
class ProductAdmin(oscar_admin.ProductAdmin):
    """Oscar's product admin, plus where it is sold, who sees it and quantity rules."""

    form = ProductAdminForm
    list_display = (*oscar_admin.ProductAdmin.list_display, "channels")
    list_filter = [*oscar_admin.ProductAdmin.list_filter, "channels"]
    filter_horizontal = ["visible_to_companies", "visible_to_tiers"]


@admin.register(Category)
class CategoryAdmin(oscar_admin.CategoryAdmin):
    filter_horizontal = ["visible_to_companies", "visible_to_tiers"]


@admin.register(Assortment)
class AssortmentAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)
    filter_horizontal = ["products", "categories", "companies", "tiers"]
