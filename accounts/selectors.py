"""Read-only queries about users, companies and memberships."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import acting, policy
from accounts.models import Company, Membership
from commerce.core.ids import MAX_ID


def portal_memberships(user) -> QuerySet[Membership]:
    """The memberships that could admit ``user`` to the portal, by company name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    current = acting.current()
    if current is not None and current.membership.user_id == user.pk:
        # A staff member acting for a member acts in that one company only.
        return _portal_memberships(user).filter(company_id=current.membership.company_id)
    return _portal_memberships(user)


def _portal_memberships(user) -> QuerySet[Membership]:
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


# Where a browser session keeps its active company (switched in the portal header).
ACTIVE_COMPANY_SESSION_KEY = "portal_company_id"


def request_memberships(request) -> list[Membership]:
    """The signed-in user's portal memberships (``portal_memberships``), loaded once
    per request: the active company and the header's company switcher share them."""
    user = request.user
    known = getattr(request, "_portal_memberships", None)
    if known is None or known[0] != user.pk:
        known = (user.pk, list(portal_memberships(user)))
        request._portal_memberships = known
    return known[1]


def active_membership(
    user, *, session=None, remember: bool = False, memberships: list[Membership] | None = None
) -> Membership | None:
    """The membership a portal request acts in (the one rule, for pages and the
    API): the session's active company when it is still one of the user's,
    else their first company, remembered in ``session`` when ``remember``.
    None when that membership does not admit them to the portal.
    ``memberships``: the user's ``portal_memberships`` when already loaded."""
    if not user.is_authenticated:
        return None
    if memberships is None:
        memberships = list(portal_memberships(user))
    wanted = session.get(ACTIVE_COMPANY_SESSION_KEY) if session is not None else None
    try:
        wanted = int(wanted) if wanted else None
    except (TypeError, ValueError):
        wanted = None
    membership = next((m for m in memberships if m.company_id == wanted), None)
    if membership is None:
        membership = memberships[0] if memberships else None
        if membership is not None and remember and session is not None:
            session[ACTIVE_COMPANY_SESSION_KEY] = membership.company_id
    return membership if policy.admits_to_portal(membership) else None
