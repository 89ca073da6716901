"""Staff manage segments, invitations, the waitlist and drops."""

from datetime import timedelta

from django.contrib import admin, messages
from django.utils import timezone

from commerce.members import services
from commerce.members.models import (
    Drop,
    MembersPrice,
    Segment,
    SegmentInvitation,
    SegmentMember,
    WaitlistRequest,
)


class SegmentMemberInline(admin.TabularInline):
    model = SegmentMember
    extra = 0
    fields = ["user", "source", "referred_by", "joined_at"]
    readonly_fields = ["source", "referred_by", "joined_at"]
    raw_id_fields = ["user"]


class MembersPriceInline(admin.TabularInline):
    model = MembersPrice
    extra = 0
    fields = ["product", "unit_price"]
    raw_id_fields = ["product"]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "by_invitation", "members_may_invite", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["loyalty_tiers"]
    inlines = [SegmentMemberInline, MembersPriceInline]


@admin.register(MembersPrice)
class MembersPriceAdmin(admin.ModelAdmin):
    """The segments' price lists: a net unit price per product."""

    list_display = ["segment", "product", "unit_price", "updated_at"]
    list_filter = ["segment"]
    list_select_related = ["segment", "product"]
    search_fields = ["product__title", "product__upc"]
    raw_id_fields = ["product"]


@admin.register(SegmentInvitation)
class SegmentInvitationAdmin(admin.ModelAdmin):
    list_display = ["pk", "segment", "email", "uses", "max_uses", "expires_at", "referrer"]
    list_filter = ["segment"]
    fields = ["segment", "email", "max_uses", "expires_at", "uses", "referrer", "link"]
    readonly_fields = ["uses", "referrer", "link"]
    actions = ["revoke"]

    @admin.display(description="Link")
    def link(self, invitation) -> str:
        return services.invitation_url(invitation) if invitation.pk else "-"

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + timedelta(days=services.DEFAULT_DAYS)}

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        days = max(1, (obj.expires_at - timezone.now()).days or 1)
        created = services.invitation_create(
            segment=obj.segment,
            actor=request.user,
            email=obj.email,
            max_uses=obj.max_uses,
            days=days,
        )
        obj.pk = created.pk
        messages.info(request, f"Invitation link: {services.invitation_url(created)}")

    @admin.action(description="Revoke the selected invitations")
    def revoke(self, request, queryset):
        for invitation in queryset:
            services.invitation_revoke(invitation=invitation)


@admin.register(WaitlistRequest)
class WaitlistRequestAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "segment", "created_at", "invitation"]
    list_filter = ["segment"]
    readonly_fields = ["invitation", "user", "created_at"]
    actions = ["invite"]

    @admin.action(description="Send an invitation to the selected requests")
    def invite(self, request, queryset):
        for item in queryset.filter(invitation=None):
            services.waitlist_invite(request=item, actor=request.user)


@admin.register(Drop)
class DropAdmin(admin.ModelAdmin):
    list_display = ["name", "segment", "members_from", "public_from", "is_active"]
    list_filter = ["segment", "is_active"]
    raw_id_fields = ["products"]
    filter_horizontal = ["categories"]
