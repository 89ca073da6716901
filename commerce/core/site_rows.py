"""Keep ``django.contrib.sites`` rows in step with the configured site URLs."""

from django.db import DEFAULT_DB_ALIAS

from commerce.sites import all_sites


def sync_site_rows(*, using: str = DEFAULT_DB_ALIAS, apps=None, **kwargs) -> None:
    """One Site row per configured site, with the site's host as its domain.

    Runs after every ``migrate`` so a change of STOREFRONT_URL/PORTAL_URL/
    STAFF_URL is picked up by the next deploy.
    """
    from django.contrib.sites.models import SITE_CACHE, Site

    for info in all_sites().values():
        # Another row may hold the domain (e.g. a host moved between sites).
        Site.objects.using(using).filter(domain=info.host).exclude(pk=info.site_id).update(
            domain=f"retired-{info.site_id}-{info.host}"
        )
        Site.objects.using(using).update_or_create(
            pk=info.site_id, defaults={"domain": info.host, "name": info.name}
        )
    SITE_CACHE.clear()
