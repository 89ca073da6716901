"""Reads of public catalogue pages from a read replica; everything else from the primary.

With ``DATABASE_REPLICA_URL`` set the project has a second database alias,
``replica`` (a streaming standby of ``default``). :class:`ReplicaMiddleware`
decides per request whether its reads may go there, and :class:`ReplicaRouter`
applies the decision query by query. A read goes to the replica only when all
of these hold:

* the request is a GET or HEAD to a catalogue, search or offer page, or to a
  catalogue endpoint of the API (``REPLICA_API_VIEWS``) — never the basket,
  checkout, account, dashboard or admin pages;
* the client wrote nothing in the last ``READ_REPLICA_STICKY_SECONDS``: any
  POST, PUT, PATCH or DELETE sets a signed cookie that keeps the client on the
  primary for that long, so it reads its own writes despite replication lag;
* the model is not one whose freshness an order depends on (basket, order,
  sessions, ...: ``PRIMARY_ONLY_APPS``) and no transaction is open on the
  primary (``atomic`` blocks and ``select_for_update`` read the primary);
* the replica answers: a failed connection marks it down for
  ``READ_REPLICA_RETRY_SECONDS`` and the request reads the primary; a query
  that fails on the replica mid-request runs the (safe, read-only) view again
  on the primary.

Writes always go to the primary. Prices and stock that reach an order are
therefore always read from the primary: the basket and checkout never read the
replica, and placement runs inside a transaction. Without the setting there
is one database and the router is not installed.
"""

from __future__ import annotations

import contextvars
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"

# Apps whose rows are read from the primary even on a catalogue page: what an
# order is made of (basket, order) and what a session must see at once.
PRIMARY_ONLY_APPS = frozenset({"sessions", "basket", "order", "checkout", "axes", "outbox"})

# URL namespaces whose GET pages read the replica.
REPLICA_NAMESPACES = frozenset({"catalogue", "search", "offer"})
# API views (``api:<name>``) whose GETs read the replica: the catalogue only.
# An API client on a token keeps no cookie, so its own data (orders, lists,
# approvals) stays on the primary, where it reads its own writes.
REPLICA_API_VIEWS = frozenset(
    {"product-list", "product-detail", "dealer-locator", "schema", "docs", "redoc"}
)

STICKY_COOKIE = "db_primary"
_STICKY_SALT = "commerce.core.replica.sticky"
_SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class _RequestState:
    replica_ok: bool | None = None  # None: not probed yet in this request
    used_replica: bool = False


_state: contextvars.ContextVar[_RequestState | None] = contextvars.ContextVar(
    "replica_request_state", default=None
)
# Monotonic time until which the replica counts as down (per process).
_down_until = 0.0


def replica_enabled() -> bool:
    return bool(getattr(settings, "READ_REPLICA", False)) and REPLICA in settings.DATABASES


def mark_replica_down() -> None:
    global _down_until
    _down_until = time.monotonic() + float(getattr(settings, "READ_REPLICA_RETRY_SECONDS", 30))


def reset_replica_health() -> None:
    global _down_until
    _down_until = 0.0


def _replica_answers(state: _RequestState) -> bool:
    if state.replica_ok is None:
        if time.monotonic() < _down_until:
            state.replica_ok = False
        else:
            try:
                connections[REPLICA].ensure_connection()
            except (OperationalError, InterfaceError):
                logger.warning("read replica unreachable; reading from the primary")
                mark_replica_down()
                state.replica_ok = False
            else:
                state.replica_ok = True
    return state.replica_ok


class ReplicaRouter:
    """Sends a read to the replica only inside a request the middleware allowed."""

    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None:
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if not _replica_answers(state):
            return PRIMARY
        state.used_replica = True
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a copy of the primary: it is never migrated itself.
        return False if db == REPLICA else None


def _view_reads_replica(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or request.method not in _SAFE_METHODS:
        return False
    namespaces = match.namespaces
    if namespaces and namespaces[0] == "api":
        return match.url_name in REPLICA_API_VIEWS
    return bool(namespaces) and namespaces[0] in REPLICA_NAMESPACES


def _sticky(request) -> bool:
    return (
        request.get_signed_cookie(
            STICKY_COOKIE,
            default=None,
            salt=_STICKY_SALT,
            max_age=settings.READ_REPLICA_STICKY_SECONDS,
        )
        is not None
    )


class ReplicaMiddleware:
    """Opens the replica to the reads of a read-only catalogue request (see module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_enabled():
            return self.get_response(request)
        token = _state.set(None)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if request.method not in _SAFE_METHODS:
            seconds = settings.READ_REPLICA_STICKY_SECONDS
            response.set_signed_cookie(
                STICKY_COOKIE,
                "1",
                salt=_STICKY_SALT,
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if replica_enabled() and _view_reads_replica(request) and not _sticky(request):
            _state.set(_RequestState())
            request._replica_view = (view_func, view_args, view_kwargs)
        return None

    def process_exception(self, request, exception):
        state = _state.get()
        if state is None or not state.used_replica:
            return None
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # The replica failed under a read-only view: once more, on the primary.
        logger.warning("read replica failed mid-request; reading from the primary")
        mark_replica_down()
        connections[REPLICA].close()
        _state.set(None)
        view_func, view_args, view_kwargs = request._replica_view
        response = view_func(request, *view_args, **view_kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
