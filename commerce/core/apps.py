from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """Shared plumbing: money, thumbnails, site rows."""

    name = "commerce.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.apps import apps

        from commerce.core.site_rows import sync_site_rows

        # This app has no models, so it gets no post_migrate of its own.
        post_migrate.connect(sync_site_rows, sender=apps.get_app_config("sites"))
