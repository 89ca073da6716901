"""URL building blocks shared by the per-site URLconfs."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views import defaults
from django.views.static import serve

from commerce import sites

# Oscar's own shop URL prefixes we serve on a site; "" (a redirect to
# OSCAR_HOMEPAGE) and "dashboard/" are handled by each URLconf itself.
_SHOP_EXCLUDED = {"", "dashboard/"}


def oscar_shop_patterns(exclude: Iterable[str] = ()) -> list:
    """Oscar's storefront URLs (catalogue, basket, checkout, accounts, search...)."""
    skip = _SHOP_EXCLUDED | set(exclude)
    patterns = [p for p in apps.get_app_config("oscar").get_urls() if str(p.pattern) not in skip]
    return [_offer_urls() if str(p.pattern) == "offers/" else p for p in patterns]


def _offer_urls():
    """Oscar's offer pages; an offer lists only the products the buyer may see."""
    from catalog.views import OfferDetailView

    return path(
        "offers/",
        app_urls(
            "offer",
            replace={
                "detail": re_path(r"^(?P<slug>[\w-]+)/$", OfferDetailView.as_view(), name="detail")
            },
        ),
    )


def app_urls(label: str, *, replace: dict[str, URLPattern] | None = None) -> tuple:
    """An Oscar app's URLs, included, with named views swapped.

    ``replace`` maps a URL name to the pattern that serves it instead, so a site
    can change one view of an Oscar app and keep the app's namespace intact.
    """
    config = apps.get_app_config(label)
    patterns, app_name, namespace = config.urls
    replace = replace or {}
    kept = [p for p in patterns if getattr(p, "name", None) not in replace]
    return include(([*replace.values(), *kept], app_name), namespace=namespace or app_name)


def storefront_customer_urls() -> tuple:
    """Oscar's account pages with order history limited to storefront orders."""
    from django.contrib.auth.decorators import login_required

    from portals.storefront import account_views, auth_views

    return app_urls(
        "customer",
        replace={
            "login": path("login/", auth_views.AccountAuthView.as_view(), name="login"),
            "register": path(
                "register/", auth_views.AccountRegistrationView.as_view(), name="register"
            ),
            "logout": path("logout/", auth_views.SignOutView.as_view(), name="logout"),
            "order-list": path(
                "orders/",
                login_required(account_views.OrderHistoryView.as_view()),
                name="order-list",
            ),
            "order": path(
                "orders/<str:order_number>/",
                login_required(account_views.OrderDetailView.as_view()),
                name="order",
            ),
            "order-line": path(
                "orders/<str:order_number>/<int:line_id>/",
                login_required(account_views.OrderLineView.as_view()),
                name="order-line",
            ),
        },
    )


def redirecting(patterns: list, base_url: Callable[[], str]) -> list:
    """The same URL tree, every view replaced by a redirect to ``base_url()``.

    Lets a site keep a namespace that shared templates reverse (e.g. the
    dashboard links in Oscar's templates) while the pages live on another host.
    """

    def view(request, *args, **kwargs):
        return HttpResponsePermanentRedirect(base_url() + request.get_full_path())

    result = []
    for p in patterns:
        if isinstance(p, URLResolver):
            result.append(
                URLResolver(
                    p.pattern,
                    redirecting(p.url_patterns, base_url),
                    p.default_kwargs,
                    p.app_name,
                    p.namespace,
                )
            )
        else:
            result.append(URLPattern(p.pattern, view, p.default_args, p.name))
    return result


def _dashboard_patterns() -> list:
    return [path("dashboard/", apps.get_app_config("dashboard").urls)]


def staff_patterns(*, serve_here: bool) -> list:
    """Dashboard and admin: served here, or redirects to the staff host."""
    if serve_here:
        return [path("admin/", admin.site.urls), *_dashboard_patterns()]
    to_staff = redirecting(
        [path("admin/", admin.site.urls), *_dashboard_patterns()],
        lambda: sites.staff_site().base_url,
    )
    return to_staff


def common_patterns() -> list:
    """What every site serves: the API, language switch and, in development, media files."""
    patterns = [
        path("favicon.ico", favicon, name="favicon"),
        path("api/", include("commerce.api.urls")),
        path("i18n/", include("django.conf.urls.i18n")),
    ]
    if settings.SERVE_MEDIA:
        media = settings.MEDIA_URL.lstrip("/")
        patterns.append(
            re_path(rf"^{media}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
        )
    return patterns


def favicon(request):
    """``/favicon.ico``, which browsers ask for on their own, on every host."""
    found = finders.find("commerce/favicon.ico")
    if not found:
        raise Http404
    response = FileResponse(open(found, "rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def api_aware_400(request, exception=None):
    """Bad request: JSON under /api/, the site's page elsewhere."""
    from commerce.api import errors

    if errors.is_api_path(request):
        return errors.bad_request(request, exception)
    return defaults.bad_request(request, exception)


def api_aware_404(request, exception=None):
    """Not found: JSON under /api/, the site's page elsewhere."""
    from commerce.api import errors

    if errors.is_api_path(request):
        return errors.not_found(request, exception)
    return defaults.page_not_found(request, exception)


def api_aware_500(request):
    from commerce.api import errors

    if errors.is_api_path(request):
        return errors.server_error(request)
    return defaults.server_error(request)
