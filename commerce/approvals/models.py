"""Purchase approval.

A company admin keeps ``ApprovalRule`` rows; an order that matches any of them
is placed as *Pending approval* with an ``ApprovalRequest`` saying which rules
matched and how many approvals it needs (one, or two from different
approvers above a rule's second threshold). Approvers' ``ApprovalDecision``
rows decide it; ``ApprovalEvent`` records everything (who, when, what, why).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class ApprovalRule(models.Model):
    class Kind(models.TextChoices):
        ORDER_TOTAL = "order_total", _("Any order above an amount")
        BUYER_ORDER_LIMIT = "buyer_order_limit", _("A buyer's per-order limit")
        BUYER_MONTHLY_BUDGET = "buyer_monthly_budget", _("A buyer's monthly budget")
        CATEGORY = "category", _("Orders with products from categories")
        MEMBER = "member", _("All orders of a member")

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="approval_rules"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    amount = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Threshold, limit or monthly budget (net)."),
    )
    member = models.ForeignKey(
        "accounts.Membership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_rules",
        help_text=_("The buyer a limit, budget or 'all orders' rule is for."),
    )
    categories = models.ManyToManyField("catalogue.Category", blank=True, related_name="+")
    two_approvals_over = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Above this order total (net), two different approvers must approve."),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "amount", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.company})"


class ApprovalRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="approval")
    # Who decides: a company's approvers, or the owner of a household (a
    # storefront member's order over their monthly budget); exactly one is set.
    company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_requests",
    )
    household = models.ForeignKey(
        "households.Household",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    approvals_required = models.PositiveSmallIntegerField(default=1)
    reasons = models.JSONField(default=list, help_text=_("The rules the order matched."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "status"], name="approval_company_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False, household__isnull=True)
                | Q(company__isnull=True, household__isnull=False),
                name="approval_company_or_household",
            )
        ]

    def __str__(self) -> str:
        return f"Approval of {self.order}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ApprovalDecision(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "approver"], name="one_decision_per_approver"
            )
        ]

    def __str__(self) -> str:
        return f"{self.approver} {self.decision} {self.request}"


class ApprovalEvent(models.Model):
    """Append-only audit of approvals: requests, decisions, comments, rule and budget changes."""

    company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_events",
    )
    household = models.ForeignKey(
        "households.Household",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_events",
    )
    request = models.ForeignKey(
        ApprovalRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind=""), name="approvalevent_has_kind"),
        ]

    def __str__(self) -> str:
        return self.message
