from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Bulk CSV imports: validated dry run, then an all-or-nothing apply, as Celery jobs."""

    name = "commerce.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from commerce.imports import handlers  # noqa: F401  (registers the outbox handlers)
