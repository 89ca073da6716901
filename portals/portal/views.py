from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from accounts import policy, selectors
from catalog import selectors as catalog_selectors
from portals.portal.forms import SignInForm, SwitchCompanyForm
from portals.portal.middleware import set_active_company


class SignInView(auth_views.LoginView):
    template_name = "portal/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        first = selectors.portal_memberships(form.get_user()).first()
        if first is not None:
            set_active_company(self.request, first)
        return response


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal:login")


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        membership = self.request.membership
        return super().get_context_data(
            membership=membership,
            company=membership.company,
            allowed_actions=sorted(policy.allowed_actions(membership)),
            can_order=policy.can(membership, policy.Action.PLACE_ORDER),
            order_denial=policy.denial_reason(membership, policy.Action.PLACE_ORDER),
            categories=catalog_selectors.top_level_categories(),
            **kwargs,
        )


class SwitchCompanyView(View):
    """Make another of the user's companies the active one (POST ``company``)."""

    http_method_names = ["post"]

    def post(self, request):
        form = SwitchCompanyForm(request.POST)
        if not form.is_valid():
            raise Http404("No such company")
        membership = selectors.membership_for(request.user, form.cleaned_data["company"])
        if membership is None or not policy.admits_to_portal(membership):
            # Never confirm that another company exists.
            raise Http404("No such company")
        set_active_company(request, membership)
        messages.success(request, f"You are now working for {membership.company.name}.")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = reverse_lazy("home")
        return redirect(target)
