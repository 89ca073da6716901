from django.utils.functional import SimpleLazyObject

from accounts import policy, selectors
from commerce import sites
from commerce.basket.summary import mini_basket
from commerce.dealers.selectors import is_dealer_company
from portals.portal import page_cache


def portal(request) -> dict:
    """The member's companies for the header switcher and the mini basket (loaded
    only if rendered), and whether the current visitor may put things in a basket."""
    if getattr(request, "channel", None) != sites.PORTAL:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # The storefront header's mini basket, from the cache (see page_cache).
            return {
                "can_order": True,
                "mini_basket": SimpleLazyObject(lambda: mini_basket(request)),
            }
        return {"can_order": True}
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"can_order": False}
    return {
        "can_order": policy.can(membership, policy.Action.PLACE_ORDER),
        "portal_memberships": SimpleLazyObject(lambda: selectors.request_memberships(request)),
        "mini_basket": SimpleLazyObject(lambda: mini_basket(request)),
        "pending_approvals": SimpleLazyObject(lambda: page_cache.pending_approvals(request)),
        "is_dealer": SimpleLazyObject(lambda: is_dealer_company(membership.company_id)),
        "credit_hold": SimpleLazyObject(lambda: page_cache.request_credit_hold(request)),
    }
