"""Upload size limits, enforced before a request body is read.

A view that takes a file says how large it may be with an ``upload_limit()``
class method (bytes for the file); every other view takes at most
``MAX_UPLOAD_BYTES``. ``UploadLimitMiddleware`` compares the request's
``Content-Length`` with that limit before the CSRF check (which would parse the
body) and answers 413 with a plain message; nothing is read, nothing is
stored. Forms then check ``UploadedFile.size`` (``upload_size_check``) before
they read a byte.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse

# Form fields, file name and multipart boundaries around the file itself.
MULTIPART_ALLOWANCE = 64 * 1024


class UploadTooLarge(Exception):
    """The uploaded file is over the limit for where it was sent."""


def size_text(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"


def too_large_message(limit: int) -> str:
    return f"The file is larger than {size_text(limit)}; upload a smaller file."


def upload_size_check(upload, *, limit: int) -> None:
    """Raise ``UploadTooLarge`` from the upload's recorded size, before reading it."""
    if upload.size is not None and upload.size > limit:
        raise UploadTooLarge(too_large_message(limit))


def view_upload_limit(view_func) -> int:
    view_class = getattr(view_func, "view_class", None)
    limit = getattr(view_class, "upload_limit", None)
    return limit() if callable(limit) else settings.MAX_UPLOAD_BYTES


class UploadLimitMiddleware:
    """413 for a request whose body is larger than its view's upload limit allows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = view_upload_limit(view_func)
        if length <= limit + MULTIPART_ALLOWANCE:
            return None
        message = too_large_message(limit)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "upload_too_large", "message": message, "details": None}, status=413
            )
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
