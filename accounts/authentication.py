"""``request.user`` from the user's access snapshot (``accounts.access_cache``).

Django's ``AuthenticationMiddleware`` loads the signed-in user from the
database on every request and checks that the session's password hash still
matches. This one does the same check against the snapshot kept in the cache
(the user as last loaded, and the session hash of its password); on a miss,
with Redis down or for any session the snapshot does not vouch for, it asks
Django (``django.contrib.auth.get_user``: the database, the fallback secrets,
and the flush of a session whose password changed), then keeps what Django
answered.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoMiddleware
from django.contrib.auth.middleware import auser
from django.core.exceptions import ValidationError

from accounts import access_cache


def get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = _load_user(request)
    return request._cached_user


def _load_user(request):
    if not access_cache.enabled():
        return auth.get_user(request)
    session = request.session
    try:
        user_id = auth.get_user_model()._meta.pk.to_python(session[auth.SESSION_KEY])
        backend_path = session[auth.BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return auth.get_user(request)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    stamp = access_cache.user_stamp(user_id)  # read before the database
    session_hash = session.get(auth.HASH_SESSION_KEY)
    user = access_cache.cached_user(user_id, stamp, backend_path, session_hash)
    if user is not None:
        return user
    user = auth.get_user(request)
    if user.is_authenticated and user.pk == user_id:
        access_cache.keep_user(user_id, stamp, user, backend_path)
    return user


class AuthenticationMiddleware(DjangoMiddleware):
    """Sets ``request.user`` at once rather than behind Django's lazy proxy: the
    session and the snapshot are read ahead with the request's first reads, so
    the user costs nothing more to load now, and every page asks for it many
    times (each ask through the proxy is a failed attribute lookup first)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = get_user(request)
        request.auser = partial(auser, request)
