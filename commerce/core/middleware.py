from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db import DatabaseError, DataError
from django.http import Http404, HttpResponseRedirect, JsonResponse
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


class LockConflictMiddleware:
    """Concurrent changes that kept colliding (see ``commerce.core.locks``) are
    a "try again", never a 500: 409 ``conflict_retry`` for the API, the page
    the visitor came from with a message for everything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from commerce.core.locks import LockConflict, is_retryable

        if isinstance(exception, DatabaseError) and is_retryable(exception):
            exception = LockConflict()
        if not isinstance(exception, LockConflict):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": exception.code, "message": str(exception), "details": None},
                status=exception.status,
            )
        messages.error(request, str(exception))
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
