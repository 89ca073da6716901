"""``/api/invitations/...`` and ``/api/waitlist/``: the members' shop on the storefront."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from commerce.api.views.auth import PublicFormView
from commerce.api.views.base import ApiView
from commerce.members import services
from commerce.members.selectors import active_segment


def segment_or_404(slug: str):
    segment = active_segment(slug)
    if segment is None:
        raise Http404("No such segment.")
    return segment


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
        data = self.validated(InvitationAcceptSerializer)
        member = services.invitation_accept(token=data["token"], user=request.user)
        return Response(SegmentMembershipSerializer(member).data, status=status.HTTP_200_OK)


class InvitationReferView(ApiView):
    """A member invites a friend (when the segment lets members invite)."""

    @extend_schema(request=InvitationReferSerializer, responses={201: SegmentInvitationSerializer})
    def post(self, request):
        data = self.validated(InvitationReferSerializer)
        invitation = services.invitation_refer(
            segment=segment_or_404(data["segment"]), member=request.user, email=data["email"]
        )
        data = SegmentInvitationSerializer(invitation).data
        return Response(data, status=status.HTTP_201_CREATED)


class WaitlistView(PublicFormView):
    """Ask to be let into the members' shop (anyone, throttled)."""

    @extend_schema(request=WaitlistRequestSerializer, responses={201: None})
    def post(self, request):
        data = self.validated(WaitlistRequestSerializer)
        services.waitlist_join(
            email=data["email"],
            segment=segment_or_404(data["segment"]) if data["segment"] else None,
            name=data["name"],
            note=data["note"],
            user=request.user,
        )
        return Response({"status": "requested"}, status=status.HTTP_201_CREATED)
