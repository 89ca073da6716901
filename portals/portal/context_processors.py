from django.utils.functional import SimpleLazyObject

from accounts import policy, selectors
from commerce import sites
from commerce.basket.summary import mini_basket
from commerce.dealers.selectors import is_dealer_company
from portals.portal.home import credit_hold_of


def portal(request) -> dict:
    """The member's companies for the header switcher and the mini basket (loaded
    only if rendered), and whether the current visitor may put things in a basket."""
    if getattr(request, "channel", None) != sites.PORTAL:
        return {"can_order": True}
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"can_order": False}
    return {
        "can_order": policy.can(membership, policy.Action.PLACE_ORDER),
        "portal_memberships": SimpleLazyObject(lambda: selectors.request_memberships(request)),
        "mini_basket": SimpleLazyObject(lambda: mini_basket(request)),
        "pending_approvals": SimpleLazyObject(lambda: _pending_approvals(membership)),
        "is_dealer": SimpleLazyObject(lambda: is_dealer_company(membership.company_id)),
        "credit_hold": SimpleLazyObject(lambda: credit_hold_of(membership.company)),
    }


def _pending_approvals(membership) -> int:
    """Requests waiting for this approver (not their own), for the header badge."""
    if not policy.can(membership, policy.Action.APPROVE_ORDERS):
        return 0
    from commerce.approvals.models import ApprovalRequest

    return (
        ApprovalRequest.objects.filter(company_id=membership.company_id, status="pending")
        .exclude(requested_by_id=membership.user_id)
        .count()
    )
