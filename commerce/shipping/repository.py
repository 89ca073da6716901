from django.conf import settings
from oscar.apps.shipping.repository import Repository as OscarRepository

from commerce import sites
from commerce.shipping.methods import ConfiguredMethod


def methods_for(channel: str) -> list[ConfiguredMethod]:
    """The shipping methods a site offers, as configured in settings."""
    return [
        ConfiguredMethod(**spec, gross_threshold=sites.prices_include_tax(channel))
        for spec in settings.SHIPPING_METHODS.get(channel, [])
    ]


class Repository(OscarRepository):
    """Shipping methods and charges per site (the basket knows its site)."""

    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        portal = basket.site_id == settings.PORTAL_SITE_ID
        return methods_for(sites.PORTAL if portal else sites.STOREFRONT)
