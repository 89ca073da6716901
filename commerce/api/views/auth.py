"""``POST /api/auth/token/``: email + password -> a personal API token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from commerce.api import tokens
from commerce.api.errors import ApiError
from commerce.api.serializers.accounts import TokenRequestSerializer, TokenSerializer
from commerce.api.views.base import ApiView
from commerce.core.client_ip import client_ip


class ClientIpScopedRateThrottle(ScopedRateThrottle):
    """Per-client throttle that trusts X-Forwarded-For only from our own proxies."""

    def get_ident(self, request):
        return client_ip(request)


class PublicFormView(ApiView):
    """A form anyone may post (no sign-in needed), throttled per client."""

    permission_classes = [AllowAny]
    throttle_classes = [ClientIpScopedRateThrottle]
    throttle_scope = "leads"


class TokenCreateView(ApiView):
    """Failed attempts count towards the sign-in lockout like any sign-in form
    (django-axes sees them through ``authenticate(request, ...)``)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientIpScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenSerializer}, auth=[])
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=body.validated_data["email"],
            password=body.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ApiError("Wrong email or password.", code="not_authenticated", status_code=401)
        issued = tokens.token_issue(user=user, name=body.validated_data["name"], actor=user)
        data = {
            "token": issued.key,
            "id": issued.token.pk,
            "name": issued.token.name,
            "kind": issued.token.kind,
            "prefix": issued.token.prefix,
        }
        return Response(TokenSerializer(data).data, status=status.HTTP_201_CREATED)
