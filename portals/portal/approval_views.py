"""Approvals in the portal: the approvers' inbox and decisions, the buyer's
cancel, and the admins' rules and budgets. Other companies' ids are 404."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from oscar.core.loading import get_model

from accounts import policy
from accounts.models import Membership
from commerce.approvals import services
from commerce.approvals.exceptions import ApprovalError
from commerce.approvals.models import ApprovalRequest, ApprovalRule
from commerce.approvals.rules import month_spend
from commerce.approvals.selectors import approvals_of
from commerce.order import selectors as order_selectors
from portals.portal.mixins import ActionRequiredMixin

Action = policy.Action
Category = get_model("catalogue", "Category")


class InboxView(ActionRequiredMixin, ListView):
    template_name = "portal/approvals/inbox.html"
    context_object_name = "requests"
    required_action = Action.APPROVE_ORDERS
    paginate_by = 25

    def get_queryset(self):
        show = self.request.GET.get("show", "pending")
        pending = ApprovalRequest.Status.PENDING if show == "pending" else None
        return approvals_of(self.request.company, status=pending)

    def get_context_data(self, **kwargs):
        return super().get_context_data(show=self.request.GET.get("show", "pending"), **kwargs)


def _request_of(request, pk) -> ApprovalRequest:
    return get_object_or_404(approvals_of(request.company), pk=pk)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApprovalDetailView(ActionRequiredMixin, TemplateView):
    template_name = "portal/approvals/detail.html"
    required_action = Action.APPROVE_ORDERS

    def get_context_data(self, **kwargs):
        approval = _request_of(self.request, self.kwargs["pk"])
        requester = Membership.objects.filter(
            company=approval.company, user=approval.requested_by
        ).first()
        budgets = (
            ApprovalRule.objects.filter(
                kind=ApprovalRule.Kind.BUYER_MONTHLY_BUDGET, member=requester, is_active=True
            )
            if requester
            else []
        )
        return super().get_context_data(
            approval=approval,
            order=approval.order,
            lines=approval.order.lines.all(),
            decisions=approval.decisions.select_related("approver"),
            events=approval.events.select_related("actor"),
            spent=month_spend(requester) if requester else None,
            budgets=budgets,
            own=approval.requested_by_id == self.request.user.pk,
            form=DecisionForm(),
            **kwargs,
        )


class DecideView(ActionRequiredMixin, View):
    http_method_names = ["post"]
    required_action = Action.APPROVE_ORDERS

    def post(self, request, pk):
        approval = _request_of(request, pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose approve or reject.")
            return redirect("portal:approval-detail", pk=pk)
        try:
            services.approval_decide(
                request=approval,
                approver=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ApprovalError as error:
            messages.error(request, str(error))
        else:
            approval.refresh_from_db()
            messages.success(
                request, f"Order {approval.order.number}: {approval.get_status_display().lower()}."
            )
        return redirect("portal:approval-detail", pk=pk)


class CancelPendingOrderView(ActionRequiredMixin, View):
    """The buyer withdraws an order that waits for approval."""

    http_method_names = ["post"]
    required_action = Action.VIEW_ORDERS

    def post(self, request, number):
        order = order_selectors.order_for_company(request.company, number)
        approval = getattr(order, "approval", None) if order is not None else None
        if approval is None:
            raise Http404("No such order awaiting approval")
        try:
            services.approval_cancel(
                request=approval, actor=request.user, reason=request.POST.get("reason", "")[:300]
            )
        except ApprovalError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Order {number} cancelled; its stock and credit are released."
            )
        return redirect("portal:order-detail", number=number)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(choices=ApprovalRule.Kind.choices)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    member = forms.ModelChoiceField(queryset=Membership.objects.none(), required=False)
    categories = forms.ModelMultipleChoiceField(queryset=Category.objects.none(), required=False)
    two_approvals_over = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, label=_("Two approvals above")
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = company.memberships.filter(is_active=True).select_related(
            "user"
        )
        self.fields["member"].label_from_instance = lambda m: m.user.email
        self.fields["categories"].queryset = Category.objects.filter(depth__lte=2).order_by("path")


class RuleListView(ActionRequiredMixin, FormView):
    template_name = "portal/approvals/rules.html"
    required_action = Action.MANAGE_RULES
    form_class = RuleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "company": self.request.company}

    def get_context_data(self, **kwargs):
        rules = (
            ApprovalRule.objects.filter(company=self.request.company, is_active=True)
            .select_related("member__user")
            .prefetch_related("categories")
        )
        budgets = []
        for rule in rules:
            if rule.kind == ApprovalRule.Kind.BUYER_MONTHLY_BUDGET and rule.member:
                budgets.append((rule, month_spend(rule.member)))
        return super().get_context_data(
            rules=rules,
            budgets=budgets,
            events=self.request.company.approval_events.filter(request__isnull=True)
            .select_related("actor")
            .order_by("-created_at")[:30],
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.rule_save(
                company=self.request.company,
                actor=self.request.user,
                kind=data["kind"],
                amount=data["amount"],
                member=data["member"],
                categories=data["categories"],
                two_approvals_over=data["two_approvals_over"],
            )
        except ApprovalError as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, "Rule saved.")
        return redirect("portal:approval-rules")


class RuleRemoveView(ActionRequiredMixin, View):
    http_method_names = ["post"]
    required_action = Action.MANAGE_RULES

    def post(self, request, pk):
        rule = get_object_or_404(ApprovalRule, pk=pk, company=request.company)
        services.rule_deactivate(rule=rule, actor=request.user)
        messages.success(request, "Rule removed.")
        return redirect("portal:approval-rules")
