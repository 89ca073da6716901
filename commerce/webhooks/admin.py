from django.contrib import admin

from commerce.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("id", "url", "active", "created", "created_by")
    list_filter = ("active",)
    exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "endpoint", "event_type", "status", "response_code", "attempts")
    list_filter = ("status", "event_type")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
