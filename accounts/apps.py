from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """Users, companies, memberships and roles."""

    name = "accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        super().ready()
        from django.apps import apps

        from accounts import (
            access_cache,
            handlers,  # noqa: F401  (registers the outbox handlers)
        )

        access_cache.connect()

        # Staff role groups follow the role table after every migrate, once all
        # apps' permissions exist (the last app with models migrates last).
        last = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(_ensure_staff_roles, sender=last, dispatch_uid="staff-roles")


def _ensure_staff_roles(**kwargs) -> None:
    from accounts.staff_policy import ensure_staff_roles

    ensure_staff_roles()
