"""The portal (B2B): our portal pages over Oscar's catalogue, basket and checkout.

Oscar's templates reverse the ``customer:``, ``catalogue:``, ``basket:``,
``checkout:`` and ``dashboard:`` namespaces, so the portal keeps them all;
sign-in and registration are the portal's own, and the dashboard is a
redirect to the staff host.
"""

from django.shortcuts import redirect
from django.urls import include, path
from django.views.generic import RedirectView

from commerce.urls.common import (
    api_aware_400,
    api_aware_404,
    api_aware_500,
    app_urls,
    common_patterns,
    oscar_shop_patterns,
    staff_patterns,
)
from portals.portal import urls as portal_urls
from portals.portal.checkout import PortalCheckoutView
from portals.portal.views import HomeView
from portals.storefront.auth_views import SignOutView

customer_urls = app_urls(
    "customer",
    replace={
        "login": path(
            "login/",
            RedirectView.as_view(pattern_name="portal:login", query_string=True),
            name="login",
        ),
        "register": path(
            "register/",
            RedirectView.as_view(pattern_name="portal:login", query_string=True),
            name="register",
        ),
        # Oscar's GET sign-out would let any page sign the visitor out.
        "logout": path("logout/", SignOutView.as_view(), name="logout"),
        # Personal order history is the storefront's; the portal shows company orders.
        "order-list": path(
            "orders/", RedirectView.as_view(pattern_name="portal:order-list"), name="order-list"
        ),
        "order": path(
            "orders/<str:order_number>/",
            lambda request, order_number: redirect("portal:order-detail", number=order_number),
            name="order",
        ),
    },
)

# Oscar's multi-step checkout becomes the portal's one-page checkout; the
# other step names stay so Oscar's templates can still reverse them.
checkout_urls = app_urls(
    "checkout",
    replace={"index": path("", PortalCheckoutView.as_view(), name="index")},
)

urlpatterns = [
    # Named "home" on every site: OSCAR_HOMEPAGE reverses it on the current host.
    path("", HomeView.as_view(), name="home"),
    path("accounts/", customer_urls),
    path("checkout/", checkout_urls),
    *oscar_shop_patterns(exclude=("accounts/", "checkout/")),
    # After the shop's: no path of one is a path of the other (a test holds it),
    # and the catalogue pages, the most requested, are found without trying the
    # portal's 60-odd patterns first.
    path("", include(portal_urls)),
    *staff_patterns(serve_here=False),
    *common_patterns(),
]

handler400 = api_aware_400
handler404 = api_aware_404
handler500 = api_aware_500
