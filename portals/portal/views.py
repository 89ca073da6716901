from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts import invitations, policy, selectors, services
from accounts.exceptions import AccountsError, InvitationExpired, InvitationUsed
from catalog import selectors as catalog_selectors
from commerce import sites
from portals.portal.forms import (
    AcceptInvitationForm,
    CompanySignupForm,
    SignInForm,
    SwitchCompanyForm,
)
from portals.portal.home import portal_home
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
            home=portal_home(membership),
            can_order=policy.can(membership, policy.Action.PLACE_ORDER),
            order_denial=policy.denial_reason(membership, policy.Action.PLACE_ORDER),
            categories=catalog_selectors.top_level_categories(
                site=self.request.channel, company=self.request.company
            ),
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


class SignupView(FormView):
    """A business registers: company details, billing address, first admin."""

    template_name = "portal/signup.html"
    form_class = CompanySignupForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        user = self.request.user if self.request.user.is_authenticated else None
        if user is None and services.signup_email_taken(
            email=data["email"], password=data["password1"], site=sites.PORTAL
        ):
            # The same answer as a new sign-up; the owner hears about it by email.
            return redirect("portal:signup-done")
        try:
            company = services.company_register(
                legal_name=data["legal_name"],
                tax_id=data["tax_id"],
                email=user.email if user else data["email"],
                bill_to=form.address_data(),
                user=user,
                password=data.get("password1"),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
        except AccountsError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if user is None:
            user = authenticate(self.request, username=data["email"], password=data["password1"])
            login(self.request, user)
        membership = selectors.membership_for(user, company.pk)
        set_active_company(self.request, membership)
        return redirect("portal:signup-done")


class SignupDoneView(TemplateView):
    template_name = "portal/signup_done.html"


class InvitationAcceptView(FormView):
    """Open an invitation link: join with a new account, or with the signed-in one."""

    template_name = "portal/invitation_accept.html"
    form_class = AcceptInvitationForm

    def dispatch(self, request, *args, **kwargs):
        self.token = kwargs["token"]
        try:
            self.invitation = invitations.invitation_from_token(self.token)
        except AccountsError as error:
            return render(
                request,
                "portal/invitation_invalid.html",
                {"reason": str(error)},
                status=410 if isinstance(error, InvitationUsed | InvitationExpired) else 404,
            )
        User = get_user_model()
        self.account_exists = User.objects.filter(email__iexact=self.invitation.email).exists()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            invitation=self.invitation,
            account_exists=self.account_exists,
            signed_in_as_invitee=user.is_authenticated
            and user.email.lower() == self.invitation.email.lower(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return self._accept(user=request.user)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        return self._accept(
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            form=form,
        )

    def _accept(self, form=None, **kwargs):
        try:
            membership = invitations.invitation_accept(token=self.token, **kwargs)
        except AccountsError as error:
            if form is None:
                messages.error(self.request, str(error))
                return redirect(self.request.path)
            form.add_error(None, str(error))
            return self.form_invalid(form)
        user = membership.user
        if not self.request.user.is_authenticated:
            login(self.request, user, backend="accounts.backends.EmailBackend")
        set_active_company(self.request, selectors.membership_for(user, membership.company_id))
        messages.success(
            self.request,
            f"Welcome to {membership.company.name}. You are {membership.get_role_display()}.",
        )
        return redirect("home")
