"""Read-only queries about households (the pages and the API ask here)."""

from __future__ import annotations

from django.db.models import QuerySet

from commerce.households.models import (
    Household,
    HouseholdEvent,
    HouseholdInvitation,
    HouseholdMember,
)


def owned_household(user) -> Household | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Household.objects.filter(owner=user).select_related("owner").first()


def active_members(household: Household) -> QuerySet:
    return (
        HouseholdMember.objects.filter(household=household, is_active=True)
        .select_related("user", "household")
        .order_by("joined_at", "pk")
    )


def open_invitations(household: Household) -> QuerySet:
    from django.utils import timezone

    return HouseholdInvitation.objects.filter(
        household=household,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at", "-pk")


HISTORY_SHOWN = 50


def history(household: Household) -> QuerySet:
    """The household's latest events, newest first."""
    return HouseholdEvent.objects.filter(household=household).select_related("actor")[
        :HISTORY_SHOWN
    ]
