from django.utils.functional import SimpleLazyObject

from accounts import selectors


def portal(request) -> dict:
    """The member's companies for the header switcher (loaded only if rendered)."""
    if getattr(request, "membership", None) is None:
        return {}
    return {
        "portal_memberships": SimpleLazyObject(
            lambda: list(selectors.portal_memberships(request.user))
        )
    }
