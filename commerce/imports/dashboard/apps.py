from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class ImportsDashboardConfig(OscarDashboardConfig):
    label = "imports_dashboard"
    name = "commerce.imports.dashboard"
    verbose_name = _("Imports dashboard")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from commerce.imports.dashboard import views

        urls = [
            path("", views.ImportListView.as_view(), name="import-list"),
            path("<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
            path("<int:pk>/apply/", views.ImportApplyView.as_view(), name="import-apply"),
            path("<int:pk>/resume/", views.ImportResumeView.as_view(), name="import-resume"),
            path("<int:pk>/progress/", views.ImportProgressView.as_view(), name="import-progress"),
            path("<int:pk>/file/", views.ImportFileView.as_view(), name="import-file"),
        ]
        return self.post_process_urls(urls)
