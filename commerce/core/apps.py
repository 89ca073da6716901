from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """Shared plumbing: money, thumbnails, site rows, staff role groups."""

    name = "commerce.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.apps import apps

        from commerce.core.site_rows import sync_site_rows

        # This app has no models, so it gets no post_migrate of its own.
        post_migrate.connect(sync_site_rows, sender=apps.get_app_config("sites"))
        # Staff role groups follow the role table after every migrate, once all
        # apps' permissions exist (the last app with models migrates last).
        last = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(_ensure_staff_roles, sender=last, dispatch_uid="staff-roles")


def _ensure_staff_roles(**kwargs) -> None:
    from accounts.staff_policy import ensure_staff_roles

    ensure_staff_roles()
