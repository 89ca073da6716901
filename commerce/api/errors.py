"""One error shape for the whole API: ``{"code", "message", "details"}``.

Codes are stable; domain errors keep the code their service gives them
(``credit_limit_exceeded``, ``out_of_stock``, ``not_approver`` ...), and
DRF's and Django's own errors get theirs here.
"""

from __future__ import annotations

import logging

from django.core.exceptions import BadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from commerce.core.errors import DomainError
from commerce.core.locks import LockConflict, is_retryable
from commerce.core.middleware import is_id_out_of_range

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An API error with its own code (e.g. ``empty_basket`` raised by a view)."""

    def __init__(self, message: str, *, code: str, status_code: int = 400, details=None):
        super().__init__(message, code)
        self.status_code = status_code
        self.error_code = code
        self.details = details


def body(code: str, message: str, details=None) -> dict:
    return {"code": code, "message": message, "details": details}


def _drf_code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError | exceptions.ParseError):
        return "validation_error"
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return "token_expired" if exc.get_codes() == "token_expired" else "not_authenticated"
    if isinstance(exc, exceptions.PermissionDenied):
        return "permission_denied"
    if isinstance(exc, exceptions.NotFound):
        return "not_found"
    if isinstance(exc, exceptions.Throttled):
        return "throttled"
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "method_not_allowed"
    if isinstance(exc, exceptions.NotAcceptable):
        return "not_acceptable"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "unsupported_media_type"
    return "error"


def _message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        text = _message(value)
        return text if key == "non_field_errors" else f"{key}: {text}"
    return str(detail)


def translate(exc: Exception) -> tuple[int, dict, dict] | None:
    """(status, body, headers) for an exception the API knows, else None."""
    headers: dict = {}
    if isinstance(exc, ApiError):
        return exc.status_code, body(exc.error_code, str(exc.detail), exc.details), headers
    if isinstance(exc, exceptions.APIException):
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait))
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        code = _drf_code(exc)
        details = exc.detail if code == "validation_error" else None
        if code == "throttled":
            details = {"wait": exc.wait}
        message = "Check the fields in details." if code == "validation_error" else None
        if code == "validation_error" and details:
            message = _message(details)
        return exc.status_code, body(code, message or _message(exc.detail), details), headers
    if isinstance(exc, Http404) or is_id_out_of_range(exc):
        message = str(exc) if isinstance(exc, Http404) and str(exc) else "Not found."
        return 404, body("not_found", message), headers
    if isinstance(exc, DjangoPermissionDenied):
        return 403, body("permission_denied", str(exc) or "Not allowed."), headers
    if isinstance(exc, DatabaseError) and is_retryable(exc):
        exc = LockConflict()
    if isinstance(exc, DomainError):  # every service's error: its own code and status
        return exc.status, body(exc.code, exc.message, exc.details()), headers
    if isinstance(exc, BadRequest):
        return 400, body("validation_error", str(exc) or "Bad request."), headers
    if isinstance(exc, DjangoValidationError):
        details = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return 400, body("validation_error", _message(details), details), headers
    return None


def exception_handler(exc, context):
    """DRF's exception handler: every error the API knows, in one shape."""
    translated = translate(exc)
    if translated is None:
        return None  # a real bug: Django's 500 handler answers (as JSON, see ``server_error``)
    status_code, data, headers = translated
    set_rollback()
    return Response(data, status=status_code, headers=headers)


def is_api_path(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    return JsonResponse(body("not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)


def bad_request(request, exception=None):
    """A request Django refused before any API view (e.g. a NUL character in the URL)."""
    message = str(exception) if isinstance(exception, BadRequest) and str(exception) else None
    return JsonResponse(
        body("validation_error", message or "The request could not be understood."),
        status=status.HTTP_400_BAD_REQUEST,
    )


def server_error(request, *args, **kwargs):
    return JsonResponse(
        body("server_error", "Something went wrong on our side. Please try again later."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
