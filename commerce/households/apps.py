from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    """Household accounts: a consumer's household, its members' monthly budgets
    and the invitations that let members in."""

    name = "commerce.households"
    label = "households"
    verbose_name = "Households"

    def ready(self) -> None:
        from commerce.households import handlers  # noqa: F401  (outbox handlers)
