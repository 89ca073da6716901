from django.contrib import admin

from commerce.dealers.models import (
    DealerAssortment,
    DealerCategoryCommission,
    DealerLedgerEntry,
    DealerProfile,
    DealerStock,
    RoutingChain,
)


class CategoryCommissionInline(admin.TabularInline):
    model = DealerCategoryCommission
    extra = 0
    raw_id_fields = ["category"]


@admin.register(DealerProfile)
class DealerProfileAdmin(admin.ModelAdmin):
    list_display = ["company", "status", "country", "rating", "daily_capacity", "commission_rate"]
    list_filter = ["status", "country"]
    search_fields = ["company__name"]
    raw_id_fields = ["company"]
    inlines = [CategoryCommissionInline]


@admin.register(DealerStock)
class DealerStockAdmin(admin.ModelAdmin):
    list_display = ["dealer", "product", "num_in_stock", "num_allocated"]
    raw_id_fields = ["dealer", "product"]
    search_fields = ["dealer__company__name", "product__upc"]


@admin.register(DealerAssortment)
class DealerAssortmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "product"]
    raw_id_fields = ["category", "product"]


@admin.register(RoutingChain)
class RoutingChainAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category"]
    raw_id_fields = ["category"]


@admin.register(DealerLedgerEntry)
class DealerLedgerEntryAdmin(admin.ModelAdmin):
    """Read-only: the ledger is append-only (payouts are recorded in the dashboard)."""

    list_display = ["created_at", "dealer", "kind", "order", "amount", "currency"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
