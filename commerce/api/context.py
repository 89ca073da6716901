"""Who is calling, where: the site (from the host, as for the pages), the
active company on the portal and the pricing strategy built from both.

Token requests are authenticated by DRF after the middlewares ran, so the
portal and basket middlewares saw an anonymous user; ``bind`` redoes their
part with the authenticated user, with the same selectors, policy and
strategy as the pages.
"""

from __future__ import annotations

from django.http import Http404
from oscar.core.loading import get_class
from rest_framework.authentication import SessionAuthentication

from accounts import policy, selectors
from commerce import sites

Selector = get_class("partner.strategy", "Selector")
BasketMiddleware = get_class("basket.middleware", "BasketMiddleware")

COMPANY_HEADER = "X-Company"


def active_membership(request, user):
    """The portal membership the request acts in: ``X-Company`` when sent (a
    company the user is not a member of is a 404), else the active company
    (``accounts.selectors.active_membership``; the session's only for a
    browser session)."""
    if not user.is_authenticated:
        return None
    wanted = request.headers.get(COMPANY_HEADER)
    if wanted:
        membership = selectors.membership_for(user, wanted.strip())
        if membership is None:
            raise Http404("No such company.")
        return membership if policy.admits_to_portal(membership) else None
    by_session = isinstance(
        getattr(request, "successful_authenticator", None), SessionAuthentication
    )
    return selectors.active_membership(user, session=request.session if by_session else None)


def bind(request) -> None:
    """Set ``membership``, ``company`` and ``strategy`` for the
    authenticated caller on the DRF request's underlying Django request."""
    django_request = request._request
    user = request.user
    django_request.user = user
    membership = None
    if django_request.channel == sites.PORTAL:
        membership = active_membership(request, user)
    django_request.membership = membership
    django_request.company = membership.company if membership is not None else None
    django_request.strategy = Selector().strategy(
        django_request, user=user, company=django_request.company
    )
    django_request._basket_cache = None
    django_request.api_basket = None  # loaded on demand by ``basket_of``


def basket_of(request):
    """The caller's open basket: personal on the storefront, the active
    company's on the portal (the basket middleware's own rules)."""
    django_request = request._request
    if django_request.api_basket is None:
        middleware = BasketMiddleware(lambda r: None)
        if not hasattr(django_request, "cookies_to_delete"):
            django_request.cookies_to_delete = []
        basket = middleware.get_basket(django_request)
        basket.strategy = django_request.strategy
        middleware.apply_offers_to_basket(django_request, basket)
        django_request.api_basket = basket
    return django_request.api_basket
