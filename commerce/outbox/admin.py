from django.contrib import admin

from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "topic", "status", "attempts", "next_attempt_at", "created")
    list_filter = ("status", "topic")
    search_fields = ("topic", "key", "last_error")
    readonly_fields = (
        "topic",
        "payload",
        "key",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created",
        "delivered_at",
    )
    actions = ["retry"]

    @admin.action(description="Retry the selected messages")
    def retry(self, request, queryset):
        count = outbox_retry(ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} message(s) queued again.")

    def has_add_permission(self, request):
        return False
