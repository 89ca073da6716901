"""Webhook endpoints for integrations: staff (a role that may manage webhooks)
and integration tokens register them, read their delivery log and redeliver."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from commerce.api.errors import ApiError
from commerce.api.pagination import Pagination
from commerce.api.permissions import WebhookAdmin
from commerce.api.serializers.webhooks import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
)
from commerce.api.views.base import ApiGenericView, ApiListView
from commerce.webhooks import services
from commerce.webhooks.exceptions import WebhookError
from commerce.webhooks.models import WebhookDelivery, WebhookEndpoint


def _refused(error: WebhookError) -> ApiError:
    field = "url" if error.code == "unsafe_url" else "events"
    return ApiError(
        str(error), code="validation_error", status_code=400, details={field: [str(error)]}
    )


class WebhookListView(ApiListView):
    permission_classes = [WebhookAdmin]
    serializer_class = WebhookEndpointSerializer
    pagination_class = Pagination
    queryset = WebhookEndpoint.objects.order_by("pk")

    @extend_schema(
        request=WebhookEndpointCreateSerializer, responses={201: WebhookEndpointCreatedSerializer}
    )
    def post(self, request):
        body = WebhookEndpointCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            endpoint = services.webhook_endpoint_create(
                url=data["url"],
                events=data["events"],
                secret=data.get("secret"),
                description=data.get("description", ""),
                actor=request.user,
            )
        except WebhookError as error:
            raise _refused(error) from error
        if not data.get("active", True):
            services.webhook_endpoint_update(endpoint=endpoint, active=False)
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )


class WebhookDetailView(ApiGenericView):
    permission_classes = [WebhookAdmin]
    serializer_class = WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.all()

    def get(self, request, pk: int):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=WebhookEndpointUpdateSerializer, responses=WebhookEndpointSerializer)
    def patch(self, request, pk: int):
        endpoint = self.get_object()
        body = WebhookEndpointUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.webhook_endpoint_update(endpoint=endpoint, **body.validated_data)
        except WebhookError as error:
            raise _refused(error) from error
        return Response(self.get_serializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.webhook_endpoint_delete(endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListView(ApiListView):
    permission_classes = [WebhookAdmin]
    serializer_class = WebhookDeliverySerializer
    pagination_class = Pagination

    def get_queryset(self):
        endpoint = get_object_or_404(WebhookEndpoint, pk=self.kwargs["pk"])
        return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-pk")


class WebhookRedeliverView(ApiGenericView):
    permission_classes = [WebhookAdmin]
    serializer_class = WebhookDeliverySerializer

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request, pk: int, delivery_id: int):
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, endpoint_id=pk)
        delivery = services.webhook_redeliver(delivery=delivery)
        return Response(self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED)
