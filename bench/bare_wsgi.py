"""The project's WSGI application plus ``/__bare__/`` on every site: a view that
returns ``HttpResponse("ok")`` behind the full middleware stack (the benchmark's
baseline; loaded only by bench/pages.py, never by the project)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commerce.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from django.http import HttpResponse  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from commerce.urls import portal, storefront  # noqa: E402


def bare(request):
    return HttpResponse("ok")


for module in (storefront, portal):
    module.urlpatterns.insert(0, path("__bare__/", bare))
clear_url_caches()
