"""Who is really acting: a staff member in an assisted session acts for a
company member in the portal (``accounts.assisted``).

The portal's assisted-session middleware sets the context for one request;
the policy (``accounts.policy``) refuses what a staff member never does on a
member's behalf, and whatever records an action (orders, the session's action
log) reads the staff identity from here. Outside such a request there is no
acting context.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Acting:
    staff: object  # the signed-in staff user
    membership: object  # the member acted for (its user is ``request.user``)
    session_id: int


_current: ContextVar[Acting | None] = ContextVar("acting_on_behalf", default=None)


def current() -> Acting | None:
    return _current.get()


def current_staff():
    """The staff user acting on a member's behalf in this request, or None."""
    acting = _current.get()
    return acting.staff if acting is not None else None


@contextlib.contextmanager
def acting_as(acting: Acting | None):
    token = _current.set(acting)
    try:
        yield acting
    finally:
        _current.reset(token)
