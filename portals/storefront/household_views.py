"""The storefront's household pages: the owner's (members, budgets,
invitations, orders waiting for approval) and a member's (budget left this
month), and the invitation link."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from commerce.approvals import services as approval_services
from commerce.approvals.models import ApprovalRequest
from commerce.approvals.selectors import household_approvals
from commerce.core.errors import DomainError
from commerce.households import budget, selectors, services
from commerce.households.models import HouseholdInvitation, HouseholdMember

MAX_COMMENT = 1000


class InviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    monthly_budget = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)


class BudgetForm(forms.Form):
    monthly_budget = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)


class HouseholdBudgetForm(forms.Form):
    monthly_budget = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=2, required=False
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    comment = forms.CharField(required=False, max_length=MAX_COMMENT)


class HouseholdView(LoginRequiredMixin, View):
    template_name = "storefront/account/household.html"

    def context(self, request, **extra) -> dict:
        user = request.user
        household = selectors.owned_household(user)
        context = {"page_title": "Household", "active_tab": "household", **extra}
        if household is not None:
            members = list(selectors.active_members(household))
            standings = budget.standings(household, members)
            context.update(
                household=household,
                members=[(m, standings[m.pk]) for m in members],
                invitations=list(selectors.open_invitations(household)),
                pending=list(household_approvals(household, status=ApprovalRequest.Status.PENDING)),
                decided=list(
                    household_approvals(household).exclude(status=ApprovalRequest.Status.PENDING)[
                        :10
                    ]
                ),
                invite_form=extra.get("invite_form") or InviteForm(),
                history=list(selectors.history(household)),
            )
            return context
        member = budget.membership_of(user)
        if member is not None:
            context.update(
                membership=member,
                standing=budget.standing(member),
                my_requests=list(
                    ApprovalRequest.objects.filter(requested_by=user, household=member.household)
                    .select_related("order")
                    .order_by("-created_at", "-pk")[:10]
                ),
            )
        return context

    def get(self, request):
        return render(request, self.template_name, self.context(request))

    def post(self, request):
        action = request.POST.get("action", "")
        handler = getattr(self, f"do_{action}", None) if action.isidentifier() else None
        if handler is None:
            return self.fail(request, "Unknown action.")
        try:
            return handler(request)
        except DomainError as error:
            return self.fail(request, error.message, status=error.status)

    def fail(self, request, message: str, status: int = 400, **extra):
        messages.error(request, message)
        return render(request, self.template_name, self.context(request, **extra), status=status)

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect("storefront:household")

    def _owned(self, request):
        household = selectors.owned_household(request.user)
        if household is None:
            raise Http404("You do not own a household.")
        return household

    def _member(self, request, pk):
        """An active member of the caller's own household (another household's: 404)."""
        household = self._owned(request)
        try:
            return HouseholdMember.objects.select_related("household", "user").get(
                pk=int(pk), household=household, is_active=True
            )
        except (HouseholdMember.DoesNotExist, TypeError, ValueError):
            raise Http404("No such member.") from None

    # --- actions ---------------------------------------------------------------------------

    def do_create(self, request):
        services.household_create(owner=request.user, name=request.POST.get("name", ""))
        return self.done("Your household is set up: invite its members.")

    def do_invite(self, request):
        household = self._owned(request)
        form = InviteForm(request.POST)
        if not form.is_valid():
            return self.fail(request, "Please check the invitation.", invite_form=form)
        invitation = services.invitation_create(
            household=household, actor=request.user, **form.cleaned_data
        )
        return self.done(f"We emailed {invitation.email} an invitation.")

    def do_revoke(self, request):
        household = self._owned(request)
        invitation = HouseholdInvitation.objects.filter(
            pk=_int(request.POST.get("invitation")), household=household
        ).first()
        if invitation is None:
            raise Http404("No such invitation.")
        services.invitation_revoke(invitation=invitation, actor=request.user)
        return self.done(f"The invitation of {invitation.email} is withdrawn.")

    def do_budget(self, request):
        member = self._member(request, request.POST.get("member"))
        form = BudgetForm(request.POST)
        if not form.is_valid():
            return self.fail(request, "Enter a budget of zero or more.")
        services.member_budget_set(
            member=member, actor=request.user, monthly_budget=form.cleaned_data["monthly_budget"]
        )
        return self.done(f"{member.user.email}'s monthly budget is updated.")

    def do_household_budget(self, request):
        household = self._owned(request)
        form = HouseholdBudgetForm(request.POST)
        if not form.is_valid():
            return self.fail(request, "Enter a budget of zero or more, or leave it empty.")
        services.household_budget_set(
            household=household,
            actor=request.user,
            monthly_budget=form.cleaned_data["monthly_budget"],
        )
        return self.done("The household's monthly budget is updated.")

    def do_remove(self, request):
        member = self._member(request, request.POST.get("member"))
        services.member_remove(member=member, actor=request.user)
        return self.done(f"{member.user.email} is no longer in the household.")

    def do_leave(self, request):
        member = budget.membership_of(request.user)
        if member is None:
            raise Http404("You are not a member of a household.")
        services.member_remove(member=member, actor=request.user)
        return self.done("You left the household.")

    def do_decide(self, request):
        household = self._owned(request)
        approval = (
            household_approvals(household).filter(pk=_int(request.POST.get("request"))).first()
        )
        if approval is None:
            raise Http404("No such approval request.")
        form = DecideForm(request.POST)
        if not form.is_valid():
            return self.fail(request, "Choose approve or reject.")
        approval = approval_services.approval_decide(
            request=approval,
            approver=request.user,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
        return self.done(f"Order {approval.order.number} {approval.get_status_display().lower()}.")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class JoinView(View):
    """A household invitation link: shows the household; the invited consumer joins."""

    template_name = "storefront/household_join.html"

    def get(self, request, token: str):
        try:
            invitation = services.invitation_from_token(token)
        except DomainError as error:
            return render(request, self.template_name, {"error": error.message}, status=400)
        return render(request, self.template_name, {"invitation": invitation})

    def post(self, request, token: str):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            member = services.invitation_accept(token=token, user=request.user)
        except DomainError as error:
            return render(
                request, self.template_name, {"error": error.message}, status=error.status
            )
        messages.success(request, f"Welcome to {member.household.name}.")
        return redirect("storefront:household")
