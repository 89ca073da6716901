from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    """Purchase approval: company rules, approval requests, decisions, audit."""

    name = "commerce.approvals"
    label = "approvals"
    verbose_name = "Approvals"
