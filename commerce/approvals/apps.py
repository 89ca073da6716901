from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    """Purchase approval: company rules, approval requests, decisions, audit."""

    name = "commerce.approvals"
    label = "approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        from commerce.approvals import handlers  # noqa: F401  (registers the outbox handlers)
