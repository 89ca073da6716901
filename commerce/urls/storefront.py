"""The storefront (B2C): Oscar's shop, our home page, and by default the staff pages."""

from django.conf import settings
from django.urls import include, path

from commerce.urls.common import (
    api_aware_400,
    api_aware_404,
    api_aware_500,
    common_patterns,
    oscar_shop_patterns,
    staff_patterns,
    storefront_customer_urls,
)
from portals.storefront import urls as storefront_urls
from portals.storefront.views import HomeView


def storefront_patterns(*, staff_here: bool) -> list:
    """The storefront's pages; with the staff pages served here when ``staff_here``."""
    return [
        # Named "home" on every site: OSCAR_HOMEPAGE reverses it on the current host.
        path("", HomeView.as_view(), name="home"),
        path("", include(storefront_urls)),
        path("accounts/", storefront_customer_urls()),
        *oscar_shop_patterns(exclude=("accounts/",)),
        *staff_patterns(serve_here=staff_here),
        *common_patterns(),
    ]


urlpatterns = storefront_patterns(staff_here=not settings.STAFF_URL)

handler400 = api_aware_400
handler404 = api_aware_404
handler500 = api_aware_500
