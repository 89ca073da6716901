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


Promotion = get_model("partner", "Promotion")
PromotionRedemption = get_model("partner", "PromotionRedemption")


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    """Promotions and voucher codes (priced by the engine, see ``pricing.promotions``)."""

    list_display = [
        "name",
        "code",
        "site",
        "company",
        "account_tier",
        "loyalty_tier",
        "percent_off",
        "amount_off",
        "stacks_with_loyalty",
        "is_active",
        "valid_from",
        "valid_until",
        "max_uses",
    ]
    list_filter = ["site", "is_active", "stacks_with_loyalty"]
    search_fields = ["name", "code", "company__name"]
    autocomplete_fields = ["company"]
    raw_id_fields = ["products"]


@admin.register(PromotionRedemption)
class PromotionRedemptionAdmin(admin.ModelAdmin):
    list_display = ["promotion", "order", "user", "company", "discount", "created_at"]
    list_select_related = ["promotion", "order", "user", "company"]
    raw_id_fields = ["order", "user", "company"]
    search_fields = ["promotion__code", "promotion__name", "order__number"]

    def has_change_permission(self, request, obj=None):
        return False
