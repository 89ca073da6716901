"""What every dashboard upload of an import file does."""

from django import forms
from django.conf import settings
from django.shortcuts import redirect

from commerce.imports.base import FileRefused
from commerce.imports.forms import refused_status
from commerce.imports.services import import_start


class ImportUploadMixin:
    """A FormView taking an import file (the form's ``file``): the job starts
    (a task checks it as a dry run) and the page goes to its status. A refused
    file answers 400 with the reason on the field."""

    import_kind = ""

    @classmethod
    def upload_limit(cls) -> int:
        return settings.IMPORT_MAX_UPLOAD_BYTES

    def import_params(self, form) -> dict:
        return {}

    def form_valid(self, form):
        try:
            job = import_start(
                kind=self.import_kind,
                uploaded_file=form.cleaned_data["file"],
                params=self.import_params(form),
                actor=self.request.user,
            )
        except FileRefused as problem:
            form.add_error("file", forms.ValidationError(str(problem), code="refused"))
            return self.form_invalid(form)
        return redirect("dashboard:import-detail", pk=job.pk)

    def form_invalid(self, form):
        return self.render_to_response(
            self.get_context_data(form=form), status=refused_status(form)
        )
