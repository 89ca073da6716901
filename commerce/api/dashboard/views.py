"""Staff: integration tokens (an ERP, a bank feed) and every token's state."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from commerce.api import tokens
from commerce.api.models import ApiToken

User = get_user_model()


class IntegrationTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text=_("What uses it, e.g. 'ERP sync'."))
    owner_email = forms.EmailField(
        label=_("Acts as"), help_text=_("The account the integration acts as.")
    )

    def clean_owner_email(self):
        email = self.cleaned_data["owner_email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account uses this email."))
        self.owner = user
        return email


class TokenListView(View):
    template_name = "oscar/dashboard/api/token_list.html"

    def render(self, request, form, key=None, status=200):
        tokens_ = ApiToken.objects.select_related("user", "created_by").order_by(
            "revoked_at", "-created_at", "-pk"
        )[:200]
        return render(
            request,
            self.template_name,
            {"form": form, "tokens": tokens_, "new_key": key},
            status=status,
        )

    def get(self, request):
        return self.render(request, IntegrationTokenForm())

    def post(self, request):
        form = IntegrationTokenForm(request.POST)
        if not form.is_valid():
            return self.render(request, form, status=400)
        issued = tokens.token_issue(
            user=form.owner,
            name=form.cleaned_data["name"],
            kind=ApiToken.Kind.INTEGRATION,
            actor=request.user,
        )
        messages.success(request, _("Token created. Copy the key now: it is not shown again."))
        return self.render(request, IntegrationTokenForm(), key=issued.key)


class TokenRevokeView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk)
        tokens.token_revoke(token=token, actor=request.user)
        messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
        return redirect("dashboard:api-token-list")


class TokenRotateView(TokenListView):
    """A new key in place of a token (shown once); the old key stops working."""

    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk)
        try:
            issued = tokens.token_rotate(token=token, actor=request.user)
        except tokens.TokenError as error:
            messages.error(request, str(error))
            return redirect("dashboard:api-token-list")
        messages.success(request, _("Token rotated. Copy the new key now: it is not shown again."))
        return self.render(request, IntegrationTokenForm(), key=issued.key)
