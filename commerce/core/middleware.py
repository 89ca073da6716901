from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db import DatabaseError, DataError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme

# PostgreSQL's SQLSTATE for "numeric value out of range".
_NUMERIC_OUT_OF_RANGE = "22003"


def is_id_out_of_range(exc: Exception) -> bool:
    if isinstance(exc, OverflowError):  # SQLite refuses integers past 64 bits this way
        return True
    cause = getattr(exc, "__cause__", None)
    return isinstance(exc, DataError) and getattr(cause, "pgcode", None) == _NUMERIC_OUT_OF_RANGE


class IdOutOfRangeMiddleware:
    """An id in a URL too large for the database names nothing: 404, not 500.

    URL patterns accept ``\\d+`` (Oscar's included); rather than bound every
    pattern, a lookup that overflows the id column is answered as not found.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_id_out_of_range(exception):
            raise Http404("No such object") from exception
        return None


class NulCharacter(BadRequest):
    """A NUL character where text was expected."""


def carries_nul(request) -> bool:
    """A NUL character in the path, the query string or a submitted form."""
    if "\x00" in request.path:
        return True
    fields = [request.GET]
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        fields.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for query in fields
        for key, values in query.lists()
    )


class NulCharacterMiddleware:
    """A NUL character in a URL or a form field names nothing here, and
    PostgreSQL refuses to compare or store one: the request is a 400 (the
    site's 400 page, or the API's JSON error) before any view runs.

    JSON bodies are checked by the API's parser (``commerce.api.parsers``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            raise NulCharacter("The request contains a NUL character.")
        return self.get_response(request)


class DomainErrorMiddleware:
    """A domain error (``commerce.core.errors.DomainError``) no view handled is
    never a 500: the API gets its error body with the error's status, a page
    its message. Concurrent changes that kept colliding (see
    ``commerce.core.locks``) and any refused form post go back to the page the
    visitor came from with the message; a refused GET answers with the error's
    status and message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from commerce.core.errors import DomainError
        from commerce.core.locks import LockConflict, is_retryable

        if isinstance(exception, DatabaseError) and is_retryable(exception):
            exception = LockConflict()
        if not isinstance(exception, DomainError):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": exception.code,
                    "message": exception.message,
                    "details": exception.details(),
                },
                status=exception.status,
            )
        if request.method in ("GET", "HEAD") and not isinstance(exception, LockConflict):
            return HttpResponse(
                exception.message, status=exception.status, content_type="text/plain; charset=utf-8"
            )
        messages.error(request, exception.message)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = "/"
        return HttpResponseRedirect(back, status=303)


class PermissionsPolicyMiddleware:
    """Sends ``settings.PERMISSIONS_POLICY`` as the Permissions-Policy header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
