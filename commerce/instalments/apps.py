from django.apps import AppConfig


class InstalmentsConfig(AppConfig):
    """Interest-free instalments for top-tier consumers, on their personal credit account."""

    name = "commerce.instalments"
    label = "instalments"
    verbose_name = "Instalments"

    def ready(self) -> None:
        from commerce.instalments import handlers, services  # noqa: F401  (outbox handlers)

        services.connect()
