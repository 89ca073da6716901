from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "commerce.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self):
        from commerce.api import schema  # noqa: F401  (registers the OpenAPI extensions)
