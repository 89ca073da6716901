from django import forms

from commerce.imports.base import FileProblem, upload_check


class ImportFileField(forms.FileField):
    """An import file, refused from its size before it is read and, for a workbook,
    from its zip directory (``commerce.imports.base.upload_check``)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                upload_check(upload)
            except FileProblem as problem:
                raise forms.ValidationError(str(problem), code="refused") from problem
        return upload
