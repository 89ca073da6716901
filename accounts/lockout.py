"""Sign-in lockout (django-axes): per account and per client address, every door.

An account is locked after ``AXES_FAILURE_LIMIT`` failed sign-ins from any
address; an address after ``LOGIN_IP_FAILURE_LIMIT`` failures on any
accounts. Either lock lasts ``AXES_COOLOFF_TIME`` from the last counted
failure; staff lift it early in the admin (Axes > Access attempts) or with
``manage.py axes_reset_username`` / ``axes_reset_ip`` / ``axes_reset``.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_lockout_parameters
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# AccessAttempt.username is 255 characters.
_USERNAME_MAX = 255


def attempted_username(request, credentials=None) -> str | None:
    """The email tried, normalised so that case and spaces make no new account."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        post = getattr(request, "POST", {})
        value = post.get("username") or post.get("login-username") or post.get("email")
    if value is None:
        return None
    return str(value).strip().lower()[:_USERNAME_MAX]


def _limit(parameter) -> int:
    if parameter == "ip_address":
        return settings.LOGIN_IP_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with its own limit per lockout parameter.

    Axes compares one failure count with one limit; the count given here is
    each parameter's failures scaled to ``AXES_FAILURE_LIMIT``, so an address
    reaches the limit after ``LOGIN_IP_FAILURE_LIMIT`` failures and an account
    after ``AXES_FAILURE_LIMIT``.
    """

    def get_failures(self, request, credentials=None) -> int:
        account_limit = settings.AXES_FAILURE_LIMIT
        parameters = get_lockout_parameters(request, credentials)
        scaled = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = sum(attempts.values_list("failures_since_start", flat=True))
            scaled = max(scaled, failures * account_limit // _limit(parameter))
        return scaled


def cool_off_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message(request=None) -> str:
    return _(
        "Too many failed sign-ins; try again in %(minutes)d minutes or reset your password."
    ) % {"minutes": cool_off_minutes(request)}


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out sign-in gets: the API's error shape, or a plain page."""
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": "locked_out", "message": message, "details": None}, status=429
        )
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(cool_off_minutes(request) * 60)
    return response
