"""Staff see the approval requests of the companies they may see (every
company, or a sales rep's own) and their full audit trail."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView, TemplateView

from accounts.staff_policy import company_scope
from commerce.approvals.models import ApprovalRequest


class ApprovalListView(ListView):
    template_name = "oscar/dashboard/approvals/approval_list.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self):
        requests = company_scope(
            ApprovalRequest.objects.select_related("order", "company", "requested_by"),
            self.request.user,
        )
        status = self.request.GET.get("status", "pending")
        if status in ApprovalRequest.Status.values:
            requests = requests.filter(status=status)
        query = self.request.GET.get("q", "").strip()
        if query:
            requests = requests.filter(company__name__icontains=query) | requests.filter(
                order__number__icontains=query
            )
        return requests.order_by("created_at")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=ApprovalRequest.Status.choices,
            status=self.request.GET.get("status", "pending"),
            query=self.request.GET.get("q", ""),
            **kwargs,
        )


class ApprovalDetailView(TemplateView):
    template_name = "oscar/dashboard/approvals/approval_detail.html"

    def get_context_data(self, **kwargs):
        approval = get_object_or_404(
            company_scope(
                ApprovalRequest.objects.select_related("order", "company", "requested_by"),
                self.request.user,
            ),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(
            approval=approval,
            decisions=approval.decisions.select_related("approver"),
            events=approval.events.select_related("actor"),
            **kwargs,
        )
