"""Who shares a cached portal page: the key part of the page around the content.

A signed-in member's catalogue and product pages are served whole from the
cache (``catalog.listing_cache``). Their content is keyed by catalog, prices
and visibility there; this module answers the rest, everything the portal's
layout shows that member: who they are (name, email, staff flag), the active
membership (role, company, its status and name), their companies in the
switcher, the mini basket's version, the credit-hold banner, the approvals
badge and the dealer menu. Any change to one of them is a new key, so the next
page is rendered afresh.

Access is checked before the view on every request (``PortalAccessMiddleware``
loads the user's memberships, the assisted session is checked), so a
deactivated user, a removed membership or a suspended company takes effect on
the next request whatever is cached. Not cached: pages of an assisted session
(its banner) and pages with messages waiting to be shown.
"""

from __future__ import annotations

import hashlib

from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage

from accounts import access_cache, acting, policy, selectors
from commerce.basket.summary import shown_summary_version
from commerce.dealers.selectors import is_dealer_company
from portals.portal.home import credit_hold_of, credit_hold_reasons


def load_memberships(request) -> list:
    """The user's portal memberships for this request (``request_memberships``),
    each with its company's credit-hold reason (the banner costs no query of its
    own) and its ``shell_identity``. Kept in the user's access snapshot between
    requests, except while a staff member acts for them (their memberships are
    then narrowed to one company)."""
    user = request.user

    def load() -> list:
        memberships = list(
            selectors.portal_memberships(user).annotate(credit_hold_reason=credit_hold_reasons())
        )
        for membership in memberships:  # kept with the snapshot, retired with it
            hold = credit_hold_of(membership.company, hold_reason=membership.credit_hold_reason)
            membership.shell_identity = shell_identity(user, membership, memberships, hold)
        return memberships

    memberships = load() if acting.current() is not None else access_cache.memberships(user, load)
    request._portal_memberships = (user.pk, memberships)
    return memberships


def request_credit_hold(request) -> str | None:
    """``credit_hold_of`` the active company, once per request."""
    membership = request.membership
    company = membership.company
    known = getattr(request, "_credit_hold", None)
    if known is None or known[0] != company.pk:
        if hasattr(membership, "credit_hold_reason"):
            reason = credit_hold_of(company, hold_reason=membership.credit_hold_reason)
        else:
            reason = credit_hold_of(company)
        known = (company.pk, reason)
        request._credit_hold = known
    return known[1]


def pending_approvals(request) -> int:
    """Requests waiting for this approver (not their own), for the header badge;
    once per request."""
    membership = request.membership
    known = getattr(request, "_pending_approvals", None)
    if known is None or known[0] != membership.pk:
        known = (membership.pk, _pending_approvals(membership))
        request._pending_approvals = known
    return known[1]


def _pending_approvals(membership) -> int:
    if not policy.can(membership, policy.Action.APPROVE_ORDERS):
        return 0
    from commerce.approvals.models import ApprovalRequest

    return (
        ApprovalRequest.objects.filter(company_id=membership.company_id, status="pending")
        .exclude(requested_by_id=membership.user_id)
        .count()
    )


def messages_waiting(request) -> bool:
    """Messages the next page would show (the page must be rendered to show them)."""
    if request.COOKIES.get(CookieStorage.cookie_name):  # a deleted one may come back empty
        return True
    if SessionStorage.session_key in request.session:
        return True
    storage = getattr(request, "_messages", None)
    return bool(getattr(storage, "_queued_messages", None))


def shell_identity(user, membership, memberships, credit_hold: str | None) -> str:
    """The part of a member's shell key their access snapshot answers: who they
    are (name, email, staff flag), the membership (role) and its company (status,
    name), their companies in the switcher and the company's credit hold (the
    banner's reason, ``credit_hold_of``). Every change to one of them retires
    the snapshot (``accounts.access_cache``), so it is worked out when the
    snapshot is built and kept with it."""
    company = membership.company
    parts = [
        f"u{user.pk}",
        user.email,
        user.get_full_name(),
        "staff" if user.is_staff else "-",
        f"m{membership.pk}",
        membership.role,
        f"c{company.pk}",
        company.status,
        company.name,
        "|".join(f"{m.company_id}={m.company.name}" for m in memberships),
        credit_hold or "-",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def shell_audience(request) -> str | None:
    """The key part of the layout around a portal page for this member, or None
    when their page is not to be served from the cache."""
    membership = getattr(request, "membership", None)
    if membership is None or getattr(request, "assisted_session", None) is not None:
        return None
    if messages_waiting(request):
        return None
    identity = membership.__dict__.get("shell_identity")
    if identity is None:  # memberships not read through the snapshot
        identity = shell_identity(
            request.user,
            membership,
            selectors.request_memberships(request),
            request_credit_hold(request),
        )
    parts = [
        identity,
        str(request.site_info.site_id),
        shown_summary_version(request),
        str(pending_approvals(request)),
        "dealer" if is_dealer_company(membership.company_id) else "-",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
