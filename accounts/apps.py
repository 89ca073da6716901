from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, companies, memberships and roles."""

    name = "accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        super().ready()
        from accounts import handlers  # noqa: F401  (registers the outbox handlers)
