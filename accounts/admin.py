from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.exceptions import StaffCompanyRoleRefused
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

    # What makes an account staff or superuser, or gives it a staff role: only a
    # superuser grants these. For everyone else they are read-only, so a forged
    # POST of them is ignored (read-only fields are not in the form).
    STAFF_GRANTS = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.STAFF_GRANTS if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        """A superuser's account (its password, email, anything) is changed by
        superusers only."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions


class MembershipAdminForm(forms.ModelForm):
    """A staff account gets a company role from a superuser only (the policy)."""

    actor = None  # set per request by the admin

    class Meta:
        model = Membership
        fields = ["user", "company", "role", "is_active"]

    def clean(self):
        data = super().clean()
        user = data.get("user") or getattr(self.instance, "user", None)
        granting = self.has_changed() and (data.get("is_active", True))
        if user is not None and granting:
            try:
                policy.require_may_give_company_role(actor=self.actor, user=user)
            except StaffCompanyRoleRefused as error:
                raise forms.ValidationError(str(error)) from error
        return data


class _WithActor:
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"actor": request.user})
        return formset


class MembershipInline(_WithActor, admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
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
class MembershipAdmin(_WithActor, admin.ModelAdmin):
    form = MembershipAdminForm
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
