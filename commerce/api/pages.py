"""The "API tokens" page of each site: a person lists, creates (the key is
shown once), rotates and revokes their personal tokens."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from commerce.api import tokens
from commerce.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, label=_("Name"), help_text=_("What will use it, e.g. 'Procurement app'.")
    )


class PersonalTokensView(LoginRequiredMixin, View):
    template_name = ""  # per site
    url_name = ""

    def render(self, request, form, key=None, status=200):
        return render_tokens_page(
            request, self.template_name, self.url_name, form=form, key=key, status=status
        )

    def get(self, request):
        return self.render(request, TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self.render(request, form, status=400)
        issued = tokens.token_issue(user=request.user, name=form.cleaned_data["name"])
        return self.render(request, TokenForm(), key=issued.key)


def render_tokens_page(request, template_name, revoke_url_name, *, form, key=None, status=200):
    personal = ApiToken.objects.filter(user=request.user, kind=ApiToken.Kind.PERSONAL)
    return render(
        request,
        template_name,
        {
            "form": form,
            "tokens": personal,
            "new_key": key,
            "revoke_url_name": revoke_url_name,
            "rotate_url_name": revoke_url_name.replace("-revoke", "-rotate"),
            "token_days": settings.API_TOKEN_DAYS,
        },
        status=status,
    )


class PersonalTokenRotateView(LoginRequiredMixin, View):
    """A new key in place of one of the person's tokens, shown once; the old one stops."""

    http_method_names = ["post"]
    template_name = ""  # per site
    revoke_url_name = ""
    list_url_name = ""

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user, kind=ApiToken.Kind.PERSONAL)
        try:
            issued = tokens.token_rotate(token=token, actor=request.user)
        except tokens.TokenError as error:
            messages.error(request, str(error))
            return redirect(self.list_url_name)
        return render_tokens_page(
            request, self.template_name, self.revoke_url_name, form=TokenForm(), key=issued.key
        )


class PersonalTokenRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]
    list_url_name = ""

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user, kind=ApiToken.Kind.PERSONAL)
        tokens.token_revoke(token=token, actor=request.user)
        messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
        return redirect(self.list_url_name)
