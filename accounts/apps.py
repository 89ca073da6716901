from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, companies, memberships and roles."""

    name = "accounts"
    label = "accounts"
    verbose_name = "Accounts"
