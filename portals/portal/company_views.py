"""The company pages of the portal: profile, members and invitations, addresses.

Every object is looked up inside the active company, so an id from another
company is a 404 that does not even confirm it exists.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView

from accounts import addresses, invitations, policy, services
from accounts.exceptions import AccountsError
from accounts.forms import AddressEditMixin, ShipToForm
from accounts.models import CompanyAddress, Invitation, Membership
from portals.portal.forms import InviteForm, RoleForm
from portals.portal.mixins import ActionRequiredMixin, ServiceActionMixin

Action = policy.Action


class _FormError(AccountsError):
    code = "invalid"


class CompanyView(ActionRequiredMixin, TemplateView):
    template_name = "portal/company/profile.html"
    required_action = Action.VIEW_CATALOG  # every member sees their company

    def get_context_data(self, **kwargs):
        company = self.request.company
        membership = self.request.membership
        return super().get_context_data(
            company=company,
            bill_to=company.addresses.filter(kind=CompanyAddress.Kind.BILL_TO, is_active=True)
            .select_related("country")
            .first(),
            ship_tos=company.addresses.filter(kind=CompanyAddress.Kind.SHIP_TO, is_active=True)
            .select_related("country")
            .order_by("-is_default", "label"),
            events=company.events.select_related("actor")[:50]
            if policy.can(membership, Action.MANAGE_MEMBERS)
            else [],
            **kwargs,
        )


class MembersView(ActionRequiredMixin, FormView):
    template_name = "portal/company/members.html"
    required_action = Action.MANAGE_MEMBERS
    form_class = InviteForm

    def get_context_data(self, **kwargs):
        company = self.request.company
        return super().get_context_data(
            members=company.memberships.select_related("user").order_by(
                "-is_active", "user__email"
            ),
            invitations=company.invitations.filter(
                accepted_at__isnull=True, revoked_at__isnull=True
            ).select_related("invited_by"),
            roles=Membership.Role.choices,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            invitations.invitation_create(
                company=self.request.company,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=self.request.user,
            )
        except AccountsError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("portal:members")


class MemberRoleView(ActionRequiredMixin, ServiceActionMixin, TemplateView):
    required_action = Action.MANAGE_MEMBERS
    success_url_name = "portal:members"

    def run(self, request, pk):
        membership = get_object_or_404(Membership, pk=pk, company=request.company)
        form = RoleForm(request.POST)
        if not form.is_valid():
            raise _FormError("Choose one of the roles.")
        membership = services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        )
        return f"{membership.user.email} is now {membership.get_role_display()}."


class MemberActiveView(ActionRequiredMixin, ServiceActionMixin, TemplateView):
    required_action = Action.MANAGE_MEMBERS
    success_url_name = "portal:members"
    active = False

    def run(self, request, pk):
        membership = get_object_or_404(Membership, pk=pk, company=request.company)
        services.membership_set_active(
            membership=membership, active=self.active, actor=request.user
        )
        state = "reactivated" if self.active else "deactivated"
        return f"{membership.user.email} {state}."


class InvitationRevokeView(ActionRequiredMixin, ServiceActionMixin, TemplateView):
    required_action = Action.MANAGE_MEMBERS
    success_url_name = "portal:members"

    def run(self, request, pk):
        invitation = get_object_or_404(Invitation, pk=pk, company=request.company)
        invitations.invitation_revoke(invitation=invitation, actor=request.user)
        return f"Invitation of {invitation.email} withdrawn."


class InvitationResendView(ActionRequiredMixin, ServiceActionMixin, TemplateView):
    required_action = Action.MANAGE_MEMBERS
    success_url_name = "portal:members"

    def run(self, request, pk):
        invitation = get_object_or_404(
            Invitation, pk=pk, company=request.company, accepted_at=None, revoked_at=None
        )
        invitations.invitation_create(
            company=request.company,
            email=invitation.email,
            role=invitation.role,
            actor=request.user,
        )
        return f"A new link was sent to {invitation.email}."


class AddressCreateView(ActionRequiredMixin, FormView):
    template_name = "portal/company/address_form.html"
    required_action = Action.MANAGE_ADDRESSES
    form_class = ShipToForm

    def form_valid(self, form):
        addresses.ship_to_create(
            company=self.request.company,
            actor=self.request.user,
            make_default=form.cleaned_data["make_default"],
            **form.address_fields(),
        )
        messages.success(self.request, "Ship-to address added.")
        return redirect("portal:company")


class AddressUpdateView(ActionRequiredMixin, AddressEditMixin, FormView):
    template_name = "portal/company/address_form.html"
    required_action = Action.MANAGE_ADDRESSES

    def dispatch(self, request, *args, **kwargs):
        self.address = get_object_or_404(
            CompanyAddress, pk=kwargs["pk"], company=request.company, is_active=True
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(address=self.address, **kwargs)

    def form_valid(self, form):
        addresses.address_edit(
            address=self.address,
            actor=self.request.user,
            make_default=bool(form.cleaned_data.get("make_default")),
            **form.address_fields(),
        )
        messages.success(self.request, "Address saved.")
        return redirect("portal:company")


def active_ship_to_or_404(request, pk):
    """One of the active company's ship-to addresses in use."""
    return get_object_or_404(
        CompanyAddress,
        pk=pk,
        company=request.company,
        kind=CompanyAddress.Kind.SHIP_TO,
        is_active=True,
    )


class AddressDefaultView(ActionRequiredMixin, ServiceActionMixin, TemplateView):
    required_action = Action.MANAGE_ADDRESSES
    success_url_name = "portal:company"

    def run(self, request, pk):
        address = active_ship_to_or_404(request, pk)
        addresses.ship_to_set_default(address=address, actor=request.user)
        return f"{address.label} is now the default ship-to."


class AddressRemoveView(ActionRequiredMixin, ServiceActionMixin, TemplateView):
    required_action = Action.MANAGE_ADDRESSES
    success_url_name = "portal:company"

    def run(self, request, pk):
        address = active_ship_to_or_404(request, pk)
        addresses.ship_to_deactivate(address=address, actor=request.user)
        return f"{address.label} removed."
