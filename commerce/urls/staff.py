"""A dedicated staff host (when STAFF_URL is set): dashboard and admin, plus the
shop URLs the dashboard's templates link to."""

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

urlpatterns = [
    # Named "home" on every site: OSCAR_HOMEPAGE reverses it on the current host.
    path("", HomeView.as_view(), name="home"),
    path("", include(storefront_urls)),
    path("accounts/", storefront_customer_urls()),
    *oscar_shop_patterns(exclude=("accounts/",)),
    *staff_patterns(serve_here=True),
    *common_patterns(),
]

handler400 = api_aware_400
handler404 = api_aware_404
handler500 = api_aware_500
