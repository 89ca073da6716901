"""A dedicated staff host (when STAFF_URL is set): dashboard and admin, plus the
shop URLs the dashboard's templates link to."""

from commerce.urls.storefront import handler400, handler404, handler500, storefront_patterns

urlpatterns = storefront_patterns(staff_here=True)

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
