from rest_framework import serializers

from commerce.webhooks.events import EVENT_TYPES
from commerce.webhooks.models import WebhookDelivery, WebhookEndpoint

EventType = serializers.ChoiceField(choices=EVENT_TYPES)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "active", "description", "created"]
        read_only_fields = ["id", "created"]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The answer to a registration: the only time the secret is shown."""

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES), allow_empty=False
    )
    secret = serializers.CharField(max_length=100, min_length=16, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False, default=True)


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES), allow_empty=False, required=False
    )
    secret = serializers.CharField(max_length=100, min_length=16, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "response_code",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created",
            "last_attempt_at",
            "delivered_at",
            "payload",
        ]
        read_only_fields = fields
