"""Staff back office for business accounts: list, review, approve/hold/close,
edit details, members and addresses. Every change goes through the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from accounts import addresses, assisted, services
from accounts.exceptions import AccountsError
from accounts.forms import (
    AddMemberForm,
    AddressEditMixin,
    CompanyDetailsForm,
    CompanyStatusForm,
    MemberUpdateForm,
    SalesRepsForm,
)
from accounts.models import Company, CompanyAddress, Membership
from accounts.staff_policy import (
    company_scope,
    may_act_for,
    sales_rep_candidates,
    sees_all_companies,
)
from commerce import sites

Status = Company.Status

# Labels for the lifecycle moves staff can make from each status.
ACTION_LABELS = {
    (Status.PENDING, Status.ACTIVE): "Approve",
    (Status.ACTIVE, Status.ON_HOLD): "Put on hold",
    (Status.ON_HOLD, Status.ACTIVE): "Release hold",
    (Status.CLOSED, Status.ACTIVE): "Reopen",
}


def visible_companies(request):
    """The companies this staff member may see (a sales rep: the ones they represent)."""
    return company_scope(Company.objects.all(), request.user, field="")


def can_change_status(user) -> bool:
    """Approving, holding and closing accounts is a credit decision: staff with
    the admin's change permission on companies (credit controller,
    administrator), not sales reps."""
    return user.has_perm("accounts.change_company")


def status_actions(company: Company) -> list[tuple[str, str]]:
    moves = services.STATUS_TRANSITIONS[company.status]
    return [
        (target, ACTION_LABELS.get((company.status, target), "Close"))
        for target in sorted(moves, key=lambda s: s == Status.CLOSED)
    ]


class CompanyListView(ListView):
    template_name = "oscar/dashboard/companies/company_list.html"
    context_object_name = "companies"
    paginate_by = 25

    def get_queryset(self):
        companies = (
            visible_companies(self.request)
            .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
            .order_by("name", "pk")
        )
        query = self.request.GET.get("q", "").strip()
        if query:
            companies = companies.filter(
                Q(name__icontains=query)
                | Q(tax_id__icontains=query)
                | Q(email__icontains=query)
                | Q(memberships__user__email__icontains=query)
            ).distinct()
        status = self.request.GET.get("status", "")
        if status in Status.values:
            companies = companies.filter(status=status)
        return companies

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.request.GET.get("q", ""),
            status=self.request.GET.get("status", ""),
            statuses=Status.choices,
            pending_count=visible_companies(self.request).filter(status=Status.PENDING).count(),
            **kwargs,
        )


class CompanyDetailView(DetailView):
    template_name = "oscar/dashboard/companies/company_detail.html"
    context_object_name = "company"

    def get_queryset(self):
        return visible_companies(self.request)

    def get_context_data(self, **kwargs):
        company = self.object
        return super().get_context_data(
            members=company.memberships.select_related("user").order_by(
                "-is_active", "user__email"
            ),
            invitations=company.invitations.filter(accepted_at=None, revoked_at=None),
            addresses=company.addresses.select_related("country").order_by(
                "kind", "-is_active", "label"
            ),
            events=company.events.select_related("actor")[:100],
            status_actions=(
                status_actions(company) if can_change_status(self.request.user) else []
            ),
            details_form=kwargs.pop("details_form", None) or CompanyDetailsForm(instance=company),
            add_member_form=AddMemberForm(),
            roles=Membership.Role.choices,
            sales_reps_form=(
                SalesRepsForm(
                    candidates=sales_rep_candidates(),
                    initial={"sales_reps": company.sales_reps.all()},
                )
                if sees_all_companies(self.request.user)
                else None
            ),
            sales_reps=company.sales_reps.order_by("email"),
            may_act_for=may_act_for(self.request.user, company),
            **kwargs,
        )


class _CompanyPostView(View):
    """POST-only: load the company, run one service, report, back to the detail page."""

    http_method_names = ["post"]

    def post(self, request, pk, **kwargs):
        company = get_object_or_404(visible_companies(request), pk=pk)
        try:
            message = self.run(request, company, **kwargs)
        except (AccountsError, ValueError) as error:
            messages.error(request, str(error))
        else:
            if message:
                messages.success(request, message)
        return redirect("dashboard:company-detail", pk=company.pk)


class CompanyStatusView(_CompanyPostView):
    def run(self, request, company):
        if not can_change_status(request.user):
            raise PermissionDenied
        form = CompanyStatusForm(request.POST)
        if not form.is_valid():
            raise ValueError("Choose a valid status.")
        company = services.company_set_status(
            company=company,
            status=form.cleaned_data["status"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        return f"{company.name} is now {company.get_status_display().lower()}."


class CompanySalesRepsView(_CompanyPostView):
    def run(self, request, company):
        if not sees_all_companies(request.user):
            raise PermissionDenied
        form = SalesRepsForm(request.POST, candidates=sales_rep_candidates())
        if not form.is_valid():
            raise ValueError("Choose sales reps from the list.")
        services.company_set_sales_reps(
            company=company, reps=form.cleaned_data["sales_reps"], actor=request.user
        )
        return "Sales reps saved."


class CompanyUpdateView(CompanyDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        self.object = company = get_object_or_404(visible_companies(request), pk=pk)
        form = CompanyDetailsForm(request.POST, instance=Company.objects.get(pk=pk))
        if not form.is_valid():
            messages.error(request, "Please correct the errors in the company details.")
            return self.render_to_response(self.get_context_data(details_form=form), status=400)
        services.company_update_details(
            company=company, actor=request.user, **{f: form.cleaned_data[f] for f in form.fields}
        )
        messages.success(request, "Company details saved.")
        return redirect("dashboard:company-detail", pk=company.pk)


class CompanyMemberAddView(_CompanyPostView):
    def run(self, request, company):
        form = AddMemberForm(request.POST)
        if not form.is_valid():
            raise ValueError("Enter an email address and a role.")
        membership = services.membership_add(
            company=company,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            actor=request.user,
        )
        return f"{membership.user.email} added as {membership.get_role_display()}."


class CompanyMemberUpdateView(_CompanyPostView):
    def run(self, request, company, membership_pk):
        membership = get_object_or_404(Membership, pk=membership_pk, company=company)
        form = MemberUpdateForm(request.POST)
        if not form.is_valid():
            raise ValueError("Choose a valid role.")
        membership = services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        )
        membership = services.membership_set_active(
            membership=membership, active=form.cleaned_data["is_active"], actor=request.user
        )
        return f"{membership.user.email} saved."


class CompanyAddressUpdateView(AddressEditMixin, FormView):
    template_name = "oscar/dashboard/companies/address_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.company = get_object_or_404(visible_companies(request), pk=kwargs["pk"])
        self.address = get_object_or_404(
            CompanyAddress, pk=kwargs["address_pk"], company=self.company
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(company=self.company, address=self.address, **kwargs)

    def form_valid(self, form):
        addresses.address_edit(
            address=self.address,
            actor=self.request.user,
            make_default=bool(form.cleaned_data.get("make_default")),
            **form.address_fields(),
        )
        messages.success(self.request, "Address saved.")
        return redirect("dashboard:company-detail", pk=self.company.pk)


class CompanyAssistView(View):
    """Buy as a customer: open an assisted session for one of the company's
    members and hand over to the portal host, where the staff member begins it."""

    http_method_names = ["post"]

    def post(self, request, pk, membership_pk):
        company = get_object_or_404(visible_companies(request), pk=pk)
        membership = get_object_or_404(
            Membership.objects.select_related("user", "company"), pk=membership_pk, company=company
        )
        try:
            session = assisted.assisted_session_open(
                staff=request.user, membership=membership, reason=request.POST.get("reason", "")
            )
        except assisted.AssistedSessionRefused as error:
            raise PermissionDenied(str(error)) from error
        portal = sites.get_site(sites.PORTAL)
        path = reverse("portal:assisted-begin", urlconf=portal.urlconf, args=[session.pk])
        return HttpResponseRedirect(f"{portal.base_url.rstrip('/')}{path}")
