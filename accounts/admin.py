from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    Company,
    CompanyAddress,
    CustomerLoyalty,
    LoyaltyTier,
    Membership,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class CompanyAddressInline(admin.StackedInline):
    model = CompanyAddress
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "tax_id", "email"]
    inlines = [MembershipInline, CompanyAddressInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "company__name"]
    autocomplete_fields = ["user", "company"]


@admin.register(CompanyAddress)
class CompanyAddressAdmin(admin.ModelAdmin):
    list_display = ["company", "kind", "label", "line1", "line4", "is_default", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["company__name", "label", "line1", "line4", "postcode"]
    autocomplete_fields = ["company"]


@admin.register(LoyaltyTier)
class LoyaltyTierAdmin(admin.ModelAdmin):
    list_display = [
        "rank",
        "name",
        "discount_percent",
        "min_spend",
        "min_orders",
        "max_return_rate",
        "is_active",
    ]
    ordering = ["rank"]


@admin.register(CustomerLoyalty)
class CustomerLoyaltyAdmin(admin.ModelAdmin):
    list_display = ["user", "tier", "spend", "orders", "return_rate", "computed_at"]
    list_filter = ["tier"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
