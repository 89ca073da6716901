from django.apps import AppConfig


class ListsConfig(AppConfig):
    """Shopping (requisition) lists of a company's members."""

    name = "commerce.lists"
    label = "lists"
    verbose_name = "Shopping lists"

    def ready(self) -> None:
        from commerce.lists import handlers  # noqa: F401  (registers the outbox handlers)
