import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commerce.core.storage import private_storage


def import_file_name(job, filename: str) -> str:
    """A random name under ``imports/YYYY/MM/``: the uploader's name is kept on the
    job only, and the extension is one the importers read."""
    extension = ".xlsx" if PurePath(filename).suffix.lower() == ".xlsx" else ".csv"
    return timezone.now().strftime(f"imports/%Y/%m/{uuid.uuid4().hex}{extension}")


class ImportJob(models.Model):
    """One uploaded file on its way through validate -> (review) -> apply."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Validating")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to apply")
        APPLYING = "applying", _("Applying")
        DONE = "done", _("Applied")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    # Private: never under MEDIA_ROOT; deleted after IMPORT_FILE_RETENTION_DAYS
    # and when refused (empty then).
    file = models.FileField(upload_to=import_file_name, storage=private_storage, blank=True)
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} import #{self.pk} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {self.Status.DONE, self.Status.INVALID} else 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.VALIDATING, self.Status.APPLYING}
