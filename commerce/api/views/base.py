"""What every API view shares: the caller's site/company context, the error
shape, pagination."""

from __future__ import annotations

from rest_framework import generics, views

from commerce.api import context
from commerce.api.permissions import PortalAction


class ApiMixin:
    permission_classes = [PortalAction]
    required_action = None
    storefront_allowed = True

    def perform_authentication(self, request):
        request.user  # noqa: B018  (authenticates)
        context.bind(request)

    @property
    def site_request(self):
        """The Django request, with ``channel``, ``company``, ``membership``, ``strategy``."""
        return self.request._request

    def validated(self, serializer_class) -> dict:
        """The request body, validated by ``serializer_class`` (a 400 when it is not valid)."""
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


class ApiView(ApiMixin, views.APIView):
    pass


class ApiListView(ApiMixin, generics.ListAPIView):
    pass


class ApiGenericView(ApiMixin, generics.GenericAPIView):
    pass
