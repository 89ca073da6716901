"""The members' shop pages: join through an invitation link, and the waitlist."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.views import View

from commerce.members import services
from commerce.members.exceptions import MembersError
from commerce.members.models import Segment


class JoinView(View):
    """An invitation link: shows the segment; a signed-in consumer joins it."""

    template_name = "storefront/members/join.html"

    def get(self, request, token: str):
        try:
            invitation = services.invitation_from_token(token)
        except MembersError as error:
            return render(request, self.template_name, {"error": error.message}, status=400)
        return render(request, self.template_name, {"segment": invitation.segment})

    def post(self, request, token: str):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            member = services.invitation_accept(token=token, user=request.user)
        except MembersError as error:
            return render(request, self.template_name, {"error": error.message}, status=400)
        messages.success(request, f"Welcome to {member.segment.name}.")
        return redirect("catalogue:index")


class WaitlistForm(forms.Form):
    email = forms.EmailField()
    name = forms.CharField(max_length=100, required=False)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False
    )


class WaitlistView(View):
    template_name = "storefront/members/waitlist.html"

    def get(self, request):
        initial = {"email": request.user.email} if request.user.is_authenticated else {}
        return render(request, self.template_name, {"form": WaitlistForm(initial=initial)})

    def post(self, request):
        form = WaitlistForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        segment = Segment.objects.filter(is_active=True, by_invitation=True).order_by("pk").first()
        services.waitlist_join(segment=segment, user=request.user, **form.cleaned_data)
        return render(request, self.template_name, {"done": True})
