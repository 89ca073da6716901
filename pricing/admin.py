from django.contrib import admin
from oscar.apps.partner.admin import *  # noqa: F403
from oscar.core.loading import get_model

PriceList = get_model("partner", "PriceList")
PriceListEntry = get_model("partner", "PriceListEntry")


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "company",
        "currency",
        "is_active",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["kind", "is_active", "currency"]
    search_fields = ["name", "code", "company__name"]
    autocomplete_fields = ["company"]


@admin.register(PriceListEntry)
class PriceListEntryAdmin(admin.ModelAdmin):
    list_display = [
        "price_list",
        "product",
        "min_quantity",
        "unit_price",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["price_list"]
    search_fields = ["product__upc", "product__title"]
    raw_id_fields = ["product"]
    list_select_related = ["price_list", "product"]
