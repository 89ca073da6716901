from django.apps import apps
from django.urls import include, path
from oscar.apps.dashboard import apps as oscar_apps


class DashboardConfig(oscar_apps.DashboardConfig):
    """Oscar's dashboard plus our back-office sections, under the same namespace."""

    name = "commerce.dashboard"

    # (URL prefix, app label) of our dashboard sections.
    sections = [
        ("companies/", "companies_dashboard"),
        ("pricing/", "pricing_dashboard"),
        ("imports/", "imports_dashboard"),
        ("billing/", "billing_dashboard"),
        ("dealers/", "dealers_dashboard"),
        ("approvals/", "approvals_dashboard"),
        ("quotes/", "quotes_dashboard"),
        ("sales-reports/", "sales_reports_dashboard"),
        ("api-tokens/", "api_dashboard"),
        ("outbox/", "outbox_dashboard"),
        ("webhooks/", "webhooks_dashboard"),
    ]

    def get_urls(self):
        from accounts import staff_policy

        # URLs are built after every app's ready() has set its own permissions:
        # the staff role table replaces them here, before the views are wrapped.
        staff_policy.apply_section_permissions()
        urls = super().get_urls()
        for prefix, label in self.sections:
            urls.append(path(prefix, include(apps.get_app_config(label).urls[0])))
        return urls
