from django.conf import settings
from django.contrib.sites.models import Site
from oscar.apps.communication.utils import Dispatcher as OscarDispatcher


class Dispatcher(OscarDispatcher):
    def get_base_context(self, **kwargs):
        """Oscar asks the request for the site; Celery tasks have none, so they
        pass ``site`` explicitly (falling back to the storefront)."""
        site = kwargs.get("site")
        if site is None:
            request = kwargs.get("request")
            site = (
                Site.objects.get_current(request)
                if request is not None
                else Site.objects.get(pk=settings.STOREFRONT_SITE_ID)
            )
        return dict(kwargs, site=site)
