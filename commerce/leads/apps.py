from django.apps import AppConfig


class LeadsConfig(AppConfig):
    """The dealer performance loop: leads and their outcomes, satisfaction
    surveys, the dealer rating, monthly plans, partner bonuses, attribution
    and the dealer analytics."""

    name = "commerce.leads"
    label = "leads"
    verbose_name = "Dealer leads and performance"

    def ready(self) -> None:
        from commerce.leads import handlers  # noqa: F401  (registers the outbox handlers)
