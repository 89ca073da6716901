from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from accounts.staff_policy import SECTIONS
from commerce.imports.base import REGISTRY, XLSX_SIGNATURE
from commerce.imports.models import ImportJob
from commerce.imports.services import (
    ImportNotReady,
    ImportNotResumable,
    import_apply_start,
    import_resume,
    progress_of,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What the importers' summary keys mean to the person reading the check page.
SUMMARY_LABELS = {
    "products_in_file": gettext_lazy("Products in the file"),
    "products_updated": gettext_lazy("Existing products updated"),
    "products_created": gettext_lazy("New products"),
    "columns": gettext_lazy("Columns read"),
    "price_list": gettext_lazy("Price list"),
    "mode": gettext_lazy("Mode"),
    "entries_in_file": gettext_lazy("Price entries in the file"),
    "entries_now": gettext_lazy("Entries in the list now"),
    "entries_removed": gettext_lazy("Entries to remove"),
    "entries_written": gettext_lazy("Entries written"),
    "entries_replaced": gettext_lazy("Entries replaced"),
}
MODE_LABELS = {
    "replace": gettext_lazy("Replace the whole list"),
    "merge": gettext_lazy("Add and update entries"),
}


def summary_rows(summary: dict) -> list[tuple[str, object]]:
    """The summary as labelled rows; a key without a label reads as a phrase."""
    rows = []
    for key, value in summary.items():
        label = SUMMARY_LABELS.get(key) or key.replace("_", " ").capitalize()
        if key == "mode":
            value = MODE_LABELS.get(value, value)
        rows.append((label, value))
    return rows


def may_download(user, job: ImportJob) -> bool:
    """Staff of the section that runs this kind of import (role table) may fetch its file."""
    importer = REGISTRY.get(job.kind)
    section = SECTIONS.get(importer.section) if importer else None
    return user.is_superuser or (
        user.is_staff and section is not None and user.has_perm(section.permission)
    )


class ImportListView(ListView):
    template_name = "oscar/dashboard/imports/import_list.html"
    context_object_name = "jobs"
    paginate_by = 50
    queryset = ImportJob.objects.select_related("created_by")


class ImportDetailView(DetailView):
    """The status page: progress while running, the row errors, or the plan to apply."""

    template_name = "oscar/dashboard/imports/import_detail.html"
    model = ImportJob
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        job = self.object
        return super().get_context_data(
            processed=progress_of(job), summary_rows=summary_rows(job.summary), **kwargs
        )


class ImportProgressView(View):
    def get(self, request, pk):
        job = get_object_or_404(ImportJob, pk=pk)
        processed = progress_of(job)
        return JsonResponse(
            {
                "status": job.status,
                "status_display": job.get_status_display(),
                "processed": processed,
                "total": job.total_rows,
                "running": job.is_running,
                "errors": job.error_count,
            }
        )


class ImportApplyView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        job = get_object_or_404(ImportJob, pk=pk)
        try:
            import_apply_start(job=job, actor=request.user)
        except ImportNotReady as error:
            messages.error(request, str(error))
        return redirect("dashboard:import-detail", pk=job.pk)


class ImportFileView(View):
    """The uploaded file, as a download: never rendered by the browser, only for
    staff allowed to run that kind of import (anyone else: 404)."""

    def get(self, request, pk):
        job = get_object_or_404(ImportJob, pk=pk)
        if not job.file or not may_download(request.user, job):
            raise Http404("No such file")
        try:
            handle = job.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404("No such file") from missing
        is_workbook = handle.read(len(XLSX_SIGNATURE)) == XLSX_SIGNATURE
        handle.seek(0)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=job.filename or f"import-{job.pk}",
            content_type=XLSX_TYPE if is_workbook else "text/csv; charset=utf-8",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class ImportResumeView(View):
    """Run again the step a dead worker left unfinished, or restart a failed job."""

    http_method_names = ["post"]

    def post(self, request, pk):
        job = get_object_or_404(ImportJob, pk=pk)
        try:
            import_resume(job=job, actor=request.user)
        except ImportNotResumable as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The import was resumed."))
        return redirect("dashboard:import-detail", pk=job.pk)
