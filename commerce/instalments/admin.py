from django.contrib import admin

from commerce.instalments.models import Instalment, InstalmentOffer, InstalmentPlan


@admin.register(InstalmentOffer)
class InstalmentOfferAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    raw_id_fields = ["products"]
    filter_horizontal = ["categories", "loyalty_tiers"]


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    can_delete = False
    readonly_fields = ["number", "due", "amount", "status", "paid_at", "attempts", "reference"]


@admin.register(InstalmentPlan)
class InstalmentPlanAdmin(admin.ModelAdmin):
    list_display = ["order", "user", "count", "total", "status", "created_at"]
    list_filter = ["status", "count"]
    readonly_fields = ["order", "user", "account", "count", "total", "currency", "created_at"]
    exclude = ["card_token"]
    inlines = [InstalmentInline]
