"""Household accounts.

A consumer owns a ``Household`` and invites others as ``HouseholdMember`` rows,
each with a monthly budget (an order's total as paid, delivery and tax
included, per calendar month in the project's time zone). A member pays their
own orders; the budget is spending control: an order over what is left this
month waits for the owner's approval (``commerce.approvals``). The household
may also have a monthly budget of its own that all members' orders share.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class Household(models.Model):
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_household"
    )
    name = models.CharField(max_length=100)
    monthly_budget = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("What all members together may spend a month (empty: no shared limit)."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_budget__isnull=True) | Q(monthly_budget__gte=0),
                name="household_budget_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="household_memberships"
    )
    monthly_budget = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_active=True), name="household_one_per_user"
            ),
            models.CheckConstraint(
                condition=Q(monthly_budget__gte=0), name="household_member_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.household}"


class HouseholdInvitation(models.Model):
    """A signed link for one account (the addressed email), valid until ``expires_at``."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    monthly_budget = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    nonce = models.CharField(max_length=32, default=new_nonce, unique=True)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.household}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class HouseholdEvent(models.Model):
    """Append-only history of a household (who changed what, when): budgets of the
    household and of each member, invitations, joins and departures. Orders and
    their approvals keep their own trail (``approvals.ApprovalEvent``)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Household created")
        BUDGET_SET = "budget_set", _("Household budget changed")
        MEMBER_BUDGET_SET = "member_budget_set", _("Member's budget changed")
        INVITED = "invited", _("Invitation sent")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation withdrawn")
        JOINED = "joined", _("Member joined")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        MEMBER_LEFT = "member_left", _("Member left")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message
