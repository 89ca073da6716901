from django import forms

from commerce.imports.base import FileRefused, upload_check


class ImportFileField(forms.FileField):
    """An import file, refused from its size before it is read and, for a workbook,
    from its zip directory (``commerce.imports.base.upload_check``)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                upload_check(upload)
            except FileRefused as problem:
                raise forms.ValidationError(str(problem), code="refused") from problem
        return upload


def refused_status(form) -> int:
    """400 for a refused file (too large, a zip or XML bomb), 200 for other form errors."""
    return 400 if form.has_error("file", code="refused") else 200
