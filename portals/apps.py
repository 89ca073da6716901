from django.apps import AppConfig


class PortalsConfig(AppConfig):
    """The two sites' pages: storefront (B2C) and portal (B2B)."""

    name = "portals"
    label = "portals"
    verbose_name = "Sites"
