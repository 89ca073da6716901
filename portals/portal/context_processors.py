from django.utils.functional import SimpleLazyObject

from accounts import policy, selectors
from commerce import sites


def portal(request) -> dict:
    """The member's companies for the header switcher (loaded only if rendered),
    and whether the current visitor may put things in a basket."""
    if getattr(request, "channel", None) != sites.PORTAL:
        return {"can_order": True}
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"can_order": False}
    return {
        "can_order": policy.can(membership, policy.Action.PLACE_ORDER),
        "portal_memberships": SimpleLazyObject(
            lambda: list(selectors.portal_memberships(request.user))
        ),
    }
