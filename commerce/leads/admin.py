from django.contrib import admin

from commerce.leads.models import (
    Attribution,
    BonusLine,
    DealerPartner,
    Lead,
    LeadOffer,
    PartnerTier,
    SalesPlan,
    Survey,
)


class LeadOfferInline(admin.TabularInline):
    model = LeadOffer
    extra = 0
    readonly_fields = ["dealer", "status", "offered_at", "deadline", "decided_at", "reason"]
    can_delete = False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "status",
        "kind",
        "dealer",
        "postcode",
        "source",
        "stale_at",
        "created_at",
    ]
    list_filter = ["status", "kind", "source"]
    search_fields = ["email", "name", "postcode"]
    raw_id_fields = ["product", "category", "dealer", "user", "order"]
    inlines = [LeadOfferInline]


@admin.register(SalesPlan)
class SalesPlanAdmin(admin.ModelAdmin):
    """Staff set the monthly targets here: per dealer, or per postcode region."""

    list_display = ["month", "dealer", "region", "target"]
    list_filter = ["month", "region"]
    list_editable = ["target"]


@admin.register(PartnerTier)
class PartnerTierAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "over_plan_percent",
        "per_satisfied_order",
        "promotion_budget",
        "promotion_min_attainment",
    ]


@admin.register(DealerPartner)
class DealerPartnerAdmin(admin.ModelAdmin):
    list_display = ["dealer", "tier"]


@admin.register(BonusLine)
class BonusLineAdmin(admin.ModelAdmin):
    list_display = ["month", "dealer", "kind", "amount", "explanation"]
    list_filter = ["month", "kind"]
    readonly_fields = ["dealer", "month", "kind", "amount", "explanation", "entry"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["dealer", "order", "lead", "stars", "answered_at"]
    list_filter = ["stars"]
    readonly_fields = ["dealer", "order", "lead", "email", "stars", "comment", "answered_at"]


@admin.register(Attribution)
class AttributionAdmin(admin.ModelAdmin):
    list_display = ["order", "source", "dealer"]
    list_filter = ["source"]
    raw_id_fields = ["order"]
