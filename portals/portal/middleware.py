"""Portal access: every portal page needs a signed-in member of an open company.

Sets ``request.membership`` and ``request.company`` (the active company, chosen
in the header and kept in the session) on every request; on the storefront
both are None.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import policy, selectors
from accounts.selectors import ACTIVE_COMPANY_SESSION_KEY
from commerce import sites
from portals.portal import page_cache

# Portal views reachable without a membership (signing in, signing up, resets).
PUBLIC_VIEW_NAMES = frozenset(
    {
        "portal:login",
        "portal:logout",
        "portal:signup",
        "portal:signup-done",
        "portal:invitation-accept",
        # A staff member (no membership of their own) begins a session acting for a member.
        "portal:assisted-begin",
        "portal:assisted-end",
        "portal:assisted-ended",
        "customer:login",
        "customer:register",
        "password-reset",
        "password-reset-done",
        "password-reset-confirm",
        "password-reset-complete",
        "set_language",
        "favicon",
    }
)
# The API authenticates on its own; "dashboard" and "admin" are redirects to
# the staff host here.
PUBLIC_NAMESPACES = frozenset({"api", "dashboard", "admin"})


# Oscar's own views that need a permission in the portal (our views declare theirs).
ACTION_BY_VIEW_NAME = {"basket:add": policy.Action.PLACE_ORDER}
ACTION_BY_NAMESPACE = {"checkout": policy.Action.PLACE_ORDER}


def set_active_company(request, membership) -> None:
    request.session[ACTIVE_COMPANY_SESSION_KEY] = membership.company_id
    request.membership = membership
    request.company = membership.company


class PortalAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.company = None
        if request.channel == sites.PORTAL and request.user.is_authenticated:
            membership = selectors.active_membership(
                request.user,
                session=request.session,
                remember=True,
                memberships=page_cache.load_memberships(request),
            )
            if membership is not None:
                request.membership = membership
                request.company = membership.company
                request.page_shell_audience = lambda: page_cache.shell_audience(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.channel != sites.PORTAL:
            return None
        match = request.resolver_match
        if match is None or match.view_name in PUBLIC_VIEW_NAMES:
            return None
        if match.namespaces and match.namespaces[0] in PUBLIC_NAMESPACES:
            return None
        if not request.user.is_authenticated:
            login = reverse("portal:login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        if request.membership is None:
            return render(request, "portal/no_access.html", status=403)
        action = ACTION_BY_VIEW_NAME.get(match.view_name) or ACTION_BY_NAMESPACE.get(
            match.namespaces[0] if match.namespaces else ""
        )
        if action is not None:
            reason = policy.denial_reason(request.membership, action)
            if reason is not None:
                return render(request, "portal/forbidden.html", {"reason": reason}, status=403)
        return None
