"""A signed-in user's access, kept in the cache between requests.

Every signed-in request needs its user (is the account still active, does the
session's password hash still match) and every portal request the user's
memberships (which companies admit them, in which role, each company's status
and credit hold). From the database that is two queries per request, most of
what a portal page costs when its content is served whole from the cache.

Both are kept here per user, stamped with two versions, and used only while
both are current:

* the user's own (``_user_version_key``): bumped by any write to the user or
  to one of their memberships (model signals);
* everyone's (``ALL_VERSION_KEY``): bumped by any write to a company, by a
  credit hold placed or lifted (``commerce.billing``), and by any bulk write
  to users, memberships or companies (``AccessQuerySet``: ``update``,
  ``bulk_create``, ``bulk_update``), which names no single user.

A storefront customer's standing (loyalty tier, members' segments: ``consumer``)
is kept the same way: their own version is bumped by writes to their loyalty
row and segment memberships, everyone's by writes to tiers and segments and by
the loyalty recompute's bulk insert.

The versions are read before the database, so a snapshot built while a change
commits carries the versions the change retires and is never used. A
bump happens at the write and again when its transaction commits, as for the
catalog's versions. So a deactivated user, a removed membership, a company put
on hold or a new password takes effect on the next request, as it did when
every request read the database.

The snapshot never holds a password hash: the user is kept with ``password``
deferred (reading it loads it from the database; saving the user never writes
it back) and with the session hash the password gives, which the sign-in check
compares with the session's (``accounts.authentication``). Users and
memberships are kept packed as plain values (``commerce.core.model_values``):
read on every request, pickled model instances cost more to load than the
cached page they frame.

Only with a cache every process shares (``settings.ACCESS_SNAPSHOTS``, on with
Redis): a per-process cache would keep a retired snapshot in the processes
that did not see the change. With Redis down every read is a miss and
requests load the database as before; a bump Redis did not take is replayed
as a delete when it answers again (``commerce.core.cache``), which retires
every snapshot of that family. When Redis is unreachable from one process
only, a change written there reaches the other processes when that process
reaches Redis again (its next cache call after ``CACHE_DOWN_SECONDS``), and
never later than ``TIMEOUT``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.utils.crypto import constant_time_compare

from commerce import sites
from commerce.core import model_values
from commerce.core.cache import (
    cache,
    cache_version_bump_at_commit,
    cache_versions,
    register_read_ahead,
)
from commerce.core.sessions import USER_STAGE, session_user_id

ALL_VERSION_KEY = "accounts:access-version"
TIMEOUT = 10 * 60


def enabled() -> bool:
    return bool(getattr(settings, "ACCESS_SNAPSHOTS", False))


def _user_version_key(user_id) -> str:
    return f"accounts:access-version:{user_id}"


def _snapshot_key(kind: str, user_id) -> str:
    # (v2: instances packed as plain values, ``commerce.core.model_values``.)
    return f"accounts:access:v2:{kind}:{user_id}"


def _stamp(user_id) -> tuple[str, str]:
    """The versions a snapshot of ``user_id`` built now is valid for."""
    return tuple(cache_versions([ALL_VERSION_KEY, _user_version_key(user_id)]))


def _read(kind: str, user_id, stamp):
    stored = cache.get(_snapshot_key(kind, user_id))
    if stored is None or stored[0] != stamp:
        return None
    return stored[1]


def _keep(kind: str, user_id, stamp, value) -> None:
    cache.set(_snapshot_key(kind, user_id), (stamp, value), TIMEOUT)


def bump_user(user_id) -> None:
    """Retire the snapshots of one user (a write to them or their memberships)."""
    if user_id is not None and enabled():
        cache_version_bump_at_commit(_user_version_key(user_id))


def bump_all() -> None:
    """Retire every user's snapshots (a company, a credit hold, a bulk write)."""
    if enabled():
        cache_version_bump_at_commit(ALL_VERSION_KEY)


# --- The user -----------------------------------------------------------------------


def user_stamp(user_id):
    """The versions to check the user's snapshot against, read now: before the
    database, so a snapshot built while a change commits is never valid."""
    return _stamp(user_id)


def cached_user(user_id, stamp, backend_path: str, session_hash: str | None):
    """The user kept for ``stamp`` when it was signed in through ``backend_path``
    and ``session_hash`` is its password's session hash; else None."""
    stored = _read("user", user_id, stamp)
    if not stored or stored["backend"] != backend_path or not session_hash:
        return None
    if not constant_time_compare(session_hash, stored["hash"]):
        return None
    return model_values.unpack(stored["user"])


def keep_user(user_id, stamp, user, backend_path: str) -> None:
    """Keep ``user`` (as just loaded and checked) for ``stamp``."""
    # Never a private attribute (permission caches); the password deferred.
    kept = model_values.pack(user, defer=("password",))
    hashed = user.get_session_auth_hash()
    _keep("user", user_id, stamp, {"user": kept, "backend": backend_path, "hash": hashed})


# --- The portal memberships ---------------------------------------------------------


def _snapshot(kind: str, user, load: Callable[[], object], kept=None) -> tuple[object, bool]:
    """(the user's ``kind`` snapshot, whether it came from the cache): ``load()``
    on a miss, kept as ``kept(loaded)`` (default: as loaded) for the current stamp;
    what the cache answers is as kept."""
    if not enabled() or not getattr(user, "pk", None):
        return load(), False
    stamp = _stamp(user.pk)
    stored = _read(kind, user.pk, stamp)
    if stored is not None:
        return stored, True
    loaded = load()
    _keep(kind, user.pk, stamp, kept(loaded) if kept is not None else loaded)
    return loaded, False


def memberships(user, load: Callable[[], list]) -> list:
    """``user``'s portal memberships: ``load()`` (each with ``company`` and
    ``user`` loaded) on a miss. Each one's ``user`` is the ``user`` given."""
    found, cached = _snapshot(
        "memberships",
        user,
        load,
        lambda loaded: [model_values.pack(m, without=("user",)) for m in loaded],
    )
    if not cached:
        return found
    memberships = [model_values.unpack(packed) for packed in found]
    for membership in memberships:
        membership._state.fields_cache["user"] = user  # its user_id is user.pk
    return memberships


# --- A storefront customer's standing -----------------------------------------------


def consumer(user, load: Callable[[], object]):
    """What a storefront customer's prices and catalog depend on besides the
    catalog (their loyalty tier, their members' segments): ``load()`` on a miss.
    Retired by any write to the customer's loyalty or segment memberships (their
    own version) and by any write to a tier or segment (everyone's)."""
    return _snapshot("consumer", user, load)[0]


# --- Read ahead with the session ---------------------------------------------------


def _read_ahead(request) -> list[str]:
    user_id = session_user_id(request) if enabled() else None
    if not user_id:
        return []
    keys = [ALL_VERSION_KEY, _user_version_key(user_id), _snapshot_key("user", user_id)]
    if getattr(request, "channel", None) == sites.PORTAL:
        keys.append(_snapshot_key("memberships", user_id))
    else:
        keys.append(_snapshot_key("consumer", user_id))
    return keys


register_read_ahead(_read_ahead, stage=USER_STAGE)


# --- Bulk writes ----------------------------------------------------------------------


class AccessQuerySet(models.QuerySet):
    """Writes that send no per-row signal retire every user's snapshots (a
    queryset's ``delete`` sends one per row: the receivers below)."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            bump_all()
        return rows

    def bulk_update(self, objs, fields, batch_size=None):
        rows = super().bulk_update(objs, fields, batch_size=batch_size)
        if rows:
            bump_all()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bump_all()
        return created


# --- Signals ---------------------------------------------------------------------------


def _user_changed(sender, instance, **kwargs) -> None:
    bump_user(instance.pk)


def _membership_changed(sender, instance, **kwargs) -> None:
    bump_user(instance.user_id)


def _company_changed(sender, instance, **kwargs) -> None:
    bump_all()


def _loyalty_changed(sender, instance, **kwargs) -> None:
    bump_user(instance.user_id)


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from accounts.models import Company, CustomerLoyalty, LoyaltyTier, Membership

    for model, receiver in (
        (get_user_model(), _user_changed),
        (Membership, _membership_changed),
        (Company, _company_changed),
        (CustomerLoyalty, _loyalty_changed),
        (LoyaltyTier, _company_changed),
    ):
        uid = f"accounts.access_cache.{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete")
