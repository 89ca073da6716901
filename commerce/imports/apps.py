from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Bulk CSV imports: validated dry run, then an all-or-nothing apply, as Celery jobs."""

    name = "commerce.imports"
    label = "imports"
    verbose_name = "Imports"
