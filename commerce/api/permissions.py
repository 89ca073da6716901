"""DRF permissions that ask the one policy module (``accounts.policy``)."""

from __future__ import annotations

from rest_framework import permissions

from accounts import policy, staff_policy
from commerce import sites
from commerce.api.models import ApiToken


class PortalAction(permissions.BasePermission):
    """On the portal, the caller's active membership must allow the view's
    ``required_action`` (the policy says why not); on the storefront the view
    decides (``storefront_allowed``)."""

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        action = getattr(view, "required_action", None)
        if request._request.channel != sites.PORTAL:
            if not getattr(view, "storefront_allowed", True):
                self.message = "This is served on the business portal."
                return False
            return True
        if action is None:
            return True
        reason = policy.denial_reason(request._request.membership, action)
        if reason is not None:
            self.message = reason
            return False
        return True


class CatalogAccess(permissions.BasePermission):
    """The storefront catalog is public; the portal's is for its members."""

    def has_permission(self, request, view) -> bool:
        if request._request.channel != sites.PORTAL:
            return True
        if not request.user.is_authenticated:
            return False
        reason = policy.denial_reason(request._request.membership, policy.Action.VIEW_CATALOG)
        if reason is not None:
            self.message = reason
            return False
        return True


def staff_actor(request):
    """Whose staff role a back-office API call acts with: the signed-in staff
    member, or for an integration token the staff member who issued it (a
    token has no more authority than its issuer has today). None otherwise."""
    if not request.user.is_authenticated:
        return None
    token = request.auth if isinstance(request.auth, ApiToken) else None
    if token is None:
        return request.user if request.user.is_staff else None
    if token.kind != ApiToken.Kind.INTEGRATION:
        return None
    return token.created_by


class StaffOrIntegration(permissions.BasePermission):
    """Back-office writes: a staff session or an integration token whose staff
    role (the one role table, ``accounts.staff_policy``) has the view's
    ``staff_section``. Which companies it reaches is the role's company scope."""

    message = "Your staff role does not allow this."

    def has_permission(self, request, view) -> bool:
        return staff_policy.may_use_section(staff_actor(request), view.staff_section)


class WebhookAdmin(permissions.BasePermission):
    """Webhooks: integration tokens, and staff whose role has the webhooks
    section (by session or their personal token)."""

    message = "Only staff who manage integrations, and integration tokens, may do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and token.kind == ApiToken.Kind.INTEGRATION:
            return True
        return bool(user.is_staff and user.has_perm(WEBHOOKS_PERMISSION))


WEBHOOKS_PERMISSION = "accounts.access_webhooks_dashboard"
