from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (``manage.py seed_demo``)."""

    name = "commerce.demo"
    label = "demo"
    verbose_name = "Demo data"
