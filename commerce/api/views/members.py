"""``/api/invitations/...`` and ``/api/waitlist/``: the members' shop on the storefront."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response

from commerce.api.views.auth import ClientIpScopedRateThrottle
from commerce.api.views.base import ApiView
from commerce.members import services
from commerce.members.models import Segment


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class SegmentMembershipSerializer(serializers.Serializer):
    segment = serializers.CharField(source="segment.slug")
    segment_name = serializers.CharField(source="segment.name")
    source = serializers.CharField()
    joined_at = serializers.DateTimeField()


class InvitationReferSerializer(serializers.Serializer):
    segment = serializers.SlugField(max_length=60)
    email = serializers.EmailField(required=False, default="")


class SegmentInvitationSerializer(serializers.Serializer):
    segment = serializers.CharField(source="segment.slug")
    email = serializers.EmailField()
    max_uses = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, invitation) -> str:
        return services.invitation_url(invitation)


class WaitlistRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    segment = serializers.SlugField(max_length=60, required=False, default="")


class InvitationAcceptView(ApiView):
    """The signed-in consumer joins the segment of an invitation link."""

    storefront_allowed = True

    @extend_schema(request=InvitationAcceptSerializer, responses={200: SegmentMembershipSerializer})
    def post(self, request):
        body = InvitationAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = services.invitation_accept(token=body.validated_data["token"], user=request.user)
        return Response(SegmentMembershipSerializer(member).data, status=status.HTTP_200_OK)


class InvitationReferView(ApiView):
    """A member invites a friend (when the segment lets members invite)."""

    @extend_schema(request=InvitationReferSerializer, responses={201: SegmentInvitationSerializer})
    def post(self, request):
        body = InvitationReferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        segment = Segment.objects.filter(
            slug=body.validated_data["segment"], is_active=True
        ).first()
        if segment is None:
            raise Http404("No such segment.")
        invitation = services.invitation_refer(
            segment=segment, member=request.user, email=body.validated_data["email"]
        )
        data = SegmentInvitationSerializer(invitation).data
        return Response(data, status=status.HTTP_201_CREATED)


class WaitlistView(ApiView):
    """Ask to be let into the members' shop (anyone, throttled)."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ClientIpScopedRateThrottle]
    throttle_scope = "leads"

    @extend_schema(request=WaitlistRequestSerializer, responses={201: None})
    def post(self, request):
        body = WaitlistRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        segment = None
        if data["segment"]:
            segment = Segment.objects.filter(slug=data["segment"], is_active=True).first()
            if segment is None:
                raise Http404("No such segment.")
        services.waitlist_join(
            email=data["email"],
            segment=segment,
            name=data["name"],
            note=data["note"],
            user=request.user,
        )
        return Response({"status": "requested"}, status=status.HTTP_201_CREATED)
