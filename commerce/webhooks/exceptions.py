from commerce.core.errors import DomainError


class WebhookError(DomainError):
    code = "webhook_error"
    status = 400


class UnsafeWebhookURL(WebhookError):
    """The URL is not http(s), or its host resolves to an address we never call."""

    code = "unsafe_url"


class UnknownEventType(WebhookError):
    code = "unknown_event_type"


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx (or could not be reached)."""
