"""Read-only queries about users, companies and memberships."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Company, Membership
from commerce.core.ids import MAX_ID


def portal_memberships(user) -> QuerySet[Membership]:
    """The memberships that could admit ``user`` to the portal, by company name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .exclude(company__status=Company.Status.CLOSED)
        .select_related("company", "user")
        .order_by("company__name", "pk")
    )


def membership_for(user, company_id) -> Membership | None:
    """``user``'s portal membership in ``company_id``, or None."""
    try:
        company_id = int(company_id)
    except (TypeError, ValueError):
        return None
    if not 0 < company_id <= MAX_ID:
        return None
    return portal_memberships(user).filter(company_id=company_id).first()
