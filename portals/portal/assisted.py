"""Buying on a customer's behalf in the portal (``accounts.assisted``).

The staff member stays the signed-in user of the browser session; the session
keeps the assisted session's id. ``AssistedSessionMiddleware`` checks that
session on every portal request (it must be this staff member's, begun, open,
not idle and still allowed) and then makes ``request.user`` the member, keeps
the staff user as ``request.real_user``, sets the acting context the policy
reads (``accounts.acting``) and records every change the request makes.

django-hijack was considered: it signs the browser in as the other user on the
same host (``login()``, which also stamps the member's ``last_login`` and runs
the sign-in signals and lockout), has no record a customer's admin can see or
end, and no hand-over from the staff host to the portal host; what is needed
here is the small middleware below over a database row.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts import acting, assisted, policy
from accounts.models import AssistedSession
from accounts.selectors import ACTIVE_COMPANY_SESSION_KEY
from commerce import sites
from portals.portal.mixins import ActionRequiredMixin

SESSION_KEY = "assisted_session_id"
ENDED_KEY = "assisted_session_ended"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Pages a staff member acting for a member never uses: the member's password,
# email and account, their API tokens, and switching to another company.
OWN_IDENTITY_VIEWS = {
    "customer:profile-update": gettext_lazy("change their profile or email"),
    "customer:change-password": gettext_lazy("change their password"),
    "customer:profile-delete": gettext_lazy("close their account"),
    "customer:email-list": gettext_lazy("read their emails"),
    "customer:email-detail": gettext_lazy("read their emails"),
    "portal:api-tokens": gettext_lazy("manage their API tokens"),
    "portal:api-token-revoke": gettext_lazy("manage their API tokens"),
    "portal:api-token-rotate": gettext_lazy("manage their API tokens"),
    "portal:switch-company": gettext_lazy("switch company"),
    "password-reset": gettext_lazy("reset their password"),
    "password-reset-confirm": gettext_lazy("reset their password"),
}
SIGN_OUT_VIEWS = frozenset({"portal:logout", "customer:logout"})


def dashboard_company_url(company_id: int) -> str:
    """The company's dashboard page, on the staff host."""
    site = sites.staff_site()
    path = reverse("dashboard:company-detail", urlconf=site.urlconf, args=[company_id])
    return f"{site.base_url.rstrip('/')}{path}"


class AssistedSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.assisted_session = None
        request.real_user = request.user
        if getattr(request, "channel", None) != sites.PORTAL or SESSION_KEY not in request.session:
            return self.get_response(request)
        staff = request.user
        session = None
        why = AssistedSession.EndReason.SIGNED_OUT
        if staff.is_authenticated:
            session, why = assisted.assisted_session_check(
                session_id=request.session[SESSION_KEY], staff=staff
            )
        if session is None:
            request.session.pop(SESSION_KEY, None)
            request.session[ENDED_KEY] = why
            if request.method in SAFE_METHODS and not request.path.startswith("/api/"):
                return redirect("portal:assisted-ended")
            return self.get_response(request)
        request.assisted_session = session
        request.user = session.membership.user
        context = acting.Acting(staff=staff, membership=session.membership, session_id=session.pk)
        with acting.acting_as(context):
            response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            match = getattr(request, "resolver_match", None)
            assisted.assisted_action_record(
                session_id=session.pk,
                method=request.method,
                path=request.path,
                view_name=match.view_name if match is not None else "",
                status_code=response.status_code,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = getattr(request, "assisted_session", None)
        if session is None or request.resolver_match is None:
            return None
        name = request.resolver_match.view_name
        if name in SIGN_OUT_VIEWS:
            assisted.assisted_session_end(
                session=session, actor=request.real_user, why=AssistedSession.EndReason.SIGNED_OUT
            )
            return None
        what = OWN_IDENTITY_VIEWS.get(name)
        if what is not None:
            reason = policy.acting_reason(str(what))
            return render(request, "portal/forbidden.html", {"reason": reason}, status=403)
        return None


class AssistedBeginView(LoginRequiredMixin, TemplateView):
    """The staff member confirms, on the portal host, the session they opened
    in the dashboard; their browser session then acts as the member."""

    template_name = "portal/assisted/begin.html"
    login_url = "portal:login"

    def _open_session(self, pk):
        session = (
            AssistedSession.objects.select_related("membership__user", "company")
            .filter(pk=pk, staff_id=self.request.real_user.pk, started_at=None, ended_at=None)
            .first()
        )
        if session is None:
            raise Http404("No such session.")
        return session

    def get(self, request, pk):
        session = self._open_session(pk)
        return self.render_to_response(
            {"assisted": session, "member_name": policy.display_name(session.membership.user)}
        )

    def post(self, request, pk):
        staff = request.real_user
        previous = request.assisted_session
        try:
            session = assisted.assisted_session_begin(session_id=pk, staff=staff)
        except assisted.AssistedSessionClosed as error:
            messages.error(request, str(error))
            return redirect("portal:assisted-ended")
        except assisted.AssistedSessionRefused as error:
            return render(request, "portal/forbidden.html", {"reason": str(error)}, status=403)
        if previous is not None:
            assisted.assisted_session_end(
                session=previous, actor=staff, why=AssistedSession.EndReason.STAFF
            )
        request.session.cycle_key()
        request.session[SESSION_KEY] = session.pk
        request.session[ACTIVE_COMPANY_SESSION_KEY] = session.company_id
        request.session.pop(ENDED_KEY, None)
        return redirect("home")


class AssistedEndView(View):
    """The staff member ends their session (the banner's button)."""

    http_method_names = ["post"]

    def post(self, request):
        session = request.assisted_session
        if session is None:
            return redirect("portal:assisted-ended")
        assisted.assisted_session_end(
            session=session, actor=request.real_user, why=AssistedSession.EndReason.STAFF
        )
        request.session.pop(SESSION_KEY, None)
        request.session.cycle_key()
        return HttpResponseRedirect(dashboard_company_url(session.company_id))


class AssistedEndedView(LoginRequiredMixin, TemplateView):
    """Where a staff member lands when their session ended under them."""

    template_name = "portal/assisted/ended.html"
    login_url = "portal:login"

    def get_context_data(self, **kwargs):
        why = self.request.session.get(ENDED_KEY) or ""
        label = (
            AssistedSession.EndReason(why).label if why in AssistedSession.EndReason.values else ""
        )
        return super().get_context_data(reason=label, dashboard_url=sites.staff_site().base_url)


class CompanyAssistedSessionsView(ActionRequiredMixin, TemplateView):
    """The company's admins see who acted (or acts) for their members, and end it."""

    template_name = "portal/company/assisted_sessions.html"
    required_action = policy.Action.MANAGE_MEMBERS

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sessions=assisted.company_assisted_sessions(self.request.company)[:200], **kwargs
        )


class CompanyAssistedSessionEndView(ActionRequiredMixin, View):
    http_method_names = ["post"]
    required_action = policy.Action.MANAGE_MEMBERS

    def post(self, request, pk):
        session = assisted.assisted_session_end_by_customer(
            membership=request.membership, session_id=pk
        )
        if session is None:
            raise Http404("No such session.")
        messages.success(
            request,
            _("%(staff)s no longer acts on behalf of %(member)s.")
            % {
                "staff": policy.display_name(session.staff),
                "member": policy.display_name(session.membership.user),
            },
        )
        return redirect("portal:assisted-sessions")
