from django.apps import AppConfig


class MembersConfig(AppConfig):
    """The members' shop: consumer segments, their invitations, waitlist and drops."""

    name = "commerce.members"
    label = "members"
    verbose_name = "Members' shop"

    def ready(self) -> None:
        from commerce.members import drops, handlers, prices, selectors  # noqa: F401

        drops.connect()
        prices.connect()
        selectors.connect()
