"""A Redis cache that fails soft: when Redis is unreachable, pages still answer.

Everything we cache (visibility rules, menus, listing counts, import progress,
throttle counters) can be rebuilt from the database, so an unreachable Redis
turns a read into a miss and a write into a no-op instead of a 500. Short
socket timeouts and a short "Redis is down" window keep an outage from adding
seconds to every request: after a failure the cache is skipped for
``DOWN_SECONDS`` and then tried again.

A write that could not reach Redis may leave an older value there (Redis kept
its data through the outage, or it was only unreachable from this process).
Those keys are remembered and deleted as soon as Redis answers again, so a
value written or invalidated during an outage is never served stale
afterwards.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
# Keys whose writes were lost, remembered per process up to this many; past it
# the oldest are dropped (their entries still expire with their timeout).
MAX_LOST_WRITES = 10_000


_SET_UNLESS = """
if redis.call('GET', KEYS[1]) == ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
"""


class _Outage:
    """Per-process state shared by every thread's cache instance of one location."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.lost_writes: dict[str, None] = {}

    def mark_down(self, seconds: float) -> bool:
        """Start (or extend) the outage window; True when it was not already open."""
        with self.lock:
            was_up = self.down_until == 0.0
            self.down_until = time.monotonic() + seconds
            return was_up

    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def forget(self, keys) -> None:
        with self.lock:
            for key in keys:
                self.lost_writes.pop(key, None)
                self.lost_writes[key] = None
            while len(self.lost_writes) > MAX_LOST_WRITES:
                self.lost_writes.pop(next(iter(self.lost_writes)))

    def take_lost_writes(self) -> list[str]:
        with self.lock:
            keys = list(self.lost_writes)
            self.lost_writes.clear()
            return keys

    def mark_up(self) -> None:
        with self.lock:
            self.down_until = 0.0


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class _ReusedClientCache(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per pool: building one per
    call (as Django does) costs more than a cache hit's round trip."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class PickleFirstSerializer(RedisSerializer):
    """Django's serializer (integers kept as digits, for ``incr``; everything else
    pickled) reading a pickle as one: Django's tries ``int()`` on every value
    first, and the ``ValueError`` a pickle raises there costs more than a small
    value's read. A pickle of protocol 2 or later begins with its PROTO opcode."""

    def loads(self, data):
        if data[:1] == b"\x80":
            return pickle.loads(data)  # noqa: S301 - our own cache's values
        return super().loads(data)


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache that logs and degrades when Redis is unreachable.

    ``get``/``get_many``/``has_key`` answer a miss, ``set``/``add``/``touch``/
    ``delete`` do nothing (and report it: ``add`` and ``touch`` return False),
    ``incr`` raises ``ValueError`` as for a missing key. Options: ``DOWN_SECONDS``
    (how long to skip Redis after a failure, default 5) and any redis-py pool
    option (``socket_connect_timeout``/``socket_timeout`` default to 0.25/0.5 s).
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        options = {**DEFAULT_OPTIONS, "serializer": PickleFirstSerializer, **self._options}
        self._down_seconds = float(options.pop("DOWN_SECONDS", 5))
        self._options = options
        self._outage = _outage_for(str(server))
        self._class = _ReusedClientCache

    # --- the failure policy ------------------------------------------------------

    def _call(self, method, fallback, *args, lost_keys=(), **kwargs):
        outage = self._outage
        if outage.is_down():
            outage.forget(lost_keys)
            return fallback
        if outage.down_until and not self._recover():
            outage.forget(lost_keys)
            return fallback
        try:
            return method(*args, **kwargs)
        except UNAVAILABLE as error:
            self._fail(error, method.__name__)
            outage.forget(lost_keys)
            return fallback

    def _fail(self, error: Exception, operation: str) -> None:
        if self._outage.mark_down(self._down_seconds):
            logger.warning(
                "Cache unavailable (%s on %s): serving from the database for now",
                error,
                operation,
            )

    def _recover(self) -> bool:
        """Redis answers again: delete what was written or invalidated meanwhile."""
        keys = self._outage.take_lost_writes()
        try:
            if keys:
                with self._cache.get_client(write=True).pipeline() as pipe:
                    for start in range(0, len(keys), 500):
                        pipe.delete(*keys[start : start + 500])
                    pipe.execute()
            else:
                self._cache.get_client(write=True).ping()
        except UNAVAILABLE as error:
            self._outage.forget(keys)
            self._fail(error, "reconnect")
            return False
        self._outage.mark_up()
        logger.warning("Cache reachable again; %d stale key(s) dropped", len(keys))
        return True

    def _key(self, key, version=None) -> str:
        return self.make_key(key, version=version)

    def validate_key(self, key) -> None:
        """Redis takes any key: Django's warnings about keys memcached would refuse
        (a scan of every character of every key read) do not apply. Our long keys
        are bounded anyway (``catalog.listing_cache._short``)."""

    # --- the cache API -------------------------------------------------------------

    def get(self, key, default=None, version=None):
        memo = _memo()
        if memo is None or version is not None:
            return self._call(super().get, default, key, default, version)
        value = memo.get(key, _NOT_READ)
        if value is _NOT_READ:
            value = self._call(super().get, _ABSENT, key, _ABSENT, version)
            memo[key] = value
        return default if value is _ABSENT else value

    def get_many(self, keys, version=None):
        memo = _memo()
        if memo is None or version is not None:
            return self._call(super().get_many, {}, keys, version)
        keys = list(keys)
        wanted = [key for key in keys if key not in memo]
        if wanted:
            found = self._call(super().get_many, {}, wanted, version)
            memo.update({key: found.get(key, _ABSENT) for key in wanted})
        return {key: memo[key] for key in keys if memo[key] is not _ABSENT}

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        _forget_read(key)
        lost = (self._key(key, version),)
        return self._call(super().add, False, key, value, timeout, version, lost_keys=lost)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        _forget_read(key)
        lost = (self._key(key, version),)
        return self._call(super().set, None, key, value, timeout, version, lost_keys=lost)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        _forget_read(key)
        lost = (self._key(key, version),)
        return self._call(super().touch, False, key, timeout, version, lost_keys=lost)

    def delete(self, key, version=None):
        _forget_read(key)
        lost = (self._key(key, version),)
        return self._call(super().delete, False, key, version, lost_keys=lost)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        _forget_read(*data)
        lost = tuple(self._key(key, version) for key in data)
        return self._call(super().set_many, list(data), data, timeout, version, lost_keys=lost)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        _forget_read(*keys)
        lost = tuple(self._key(key, version) for key in keys)
        return self._call(super().delete_many, None, keys, version, lost_keys=lost)

    def set_unless(self, key, value, unless, timeout) -> bool:
        """Set ``key`` to ``value`` unless it holds ``unless`` now, in one atomic
        step in Redis (a sign-out's tombstone is never written over). Redis
        unreachable: nothing is set and the key is dropped when it answers again."""
        _forget_read(key)
        full = self._key(key)
        client_cache = self._cache
        dumps = client_cache._serializer.dumps

        def set_unless(full_key):
            client = client_cache.get_client(full_key, write=True)
            args = (dumps(value), dumps(unless), max(1, int(timeout)))
            return bool(client.eval(_SET_UNLESS, 1, full_key, *args))

        return self._call(set_unless, False, full, lost_keys=(full,))

    def run(self, operation: Callable, fallback=None):
        """``operation(client)`` on the raw redis-py client, under this cache's
        failure policy: Redis unreachable (or known to be down: no connection is
        tried within the down window) answers ``fallback``. For data structures
        the cache API has no words for (hashes, lists, scripts); keys are raw, so
        name them with ``make_key``."""
        client_cache = self._cache

        def raw():
            return operation(client_cache.get_client(write=True))

        raw.__name__ = getattr(operation, "__name__", "run")
        return self._call(raw, fallback)

    def loads(self, raw: bytes):
        """A value as stored by this cache, from the raw bytes ``run`` read."""
        return self._cache._serializer.loads(raw)

    def incr(self, key, delta=1, version=None):
        _forget_read(key)
        lost = (self._key(key, version),)
        missing = object()
        value = self._call(super().incr, missing, key, delta, version, lost_keys=lost)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return value

    def clear(self):
        if _memo() is not None:
            _memo().clear()
        return self._call(super().clear, False)


# --- The default cache, reached cheaply -----------------------------------------------


class DefaultCache:
    """``django.core.cache.cache`` for the project's own modules, cheaper to reach.

    Django's proxy looks the cache up in an ``asgiref`` Local on every attribute
    (a lock and a context variable, about 2 µs), and a page served from the
    cache asks for it dozens of times. This one keeps the thread's instance and
    asks Django again whenever the handler's storage is new (the ``CACHES``
    setting changed, as in tests)."""

    __slots__ = ()

    def __getattr__(self, name):
        return getattr(default_cache(), name)


_thread = threading.local()


def default_cache():
    """The ``default`` cache of this thread (``caches["default"]``)."""
    storage = caches._connections
    try:
        known, instance = _thread.default
    except AttributeError:
        known = None
    if known is not storage:
        instance = caches["default"]
        _thread.default = (storage, instance)
    return instance


cache = DefaultCache()


# --- Versioned keys ------------------------------------------------------------------


def _new_version() -> str:
    return f"{time.time_ns():x}"


def cache_version(key: str) -> str:
    """The current version of a family of cache entries (part of their keys).

    Versions are unique tokens rather than counters, so a version key that is
    lost (evicted, or dropped after an outage) starts a new family instead of
    meeting the entries of an old one.
    """
    version = cache.get(key)
    if version is None:
        version = _new_version()
        if not cache.add(key, version, None):
            version = cache.get(key, version)
    return version


def cache_versions(keys: list[str], *, read_with: Iterable[str] = ()) -> list[str]:
    """``cache_version`` of each of ``keys``, read in one round trip when warm;
    ``read_with``: other keys the caller reads next, read in the same round trip
    (kept for the request, see ``shared_reads``)."""
    found = cache.get_many([*keys, *read_with])
    return [found.get(key) or cache_version(key) for key in keys]


def cache_version_bump(key: str) -> None:
    """Retire every entry keyed by the current version of ``key``."""
    cache.set(key, _new_version(), None)


def cache_version_bump_at_commit(key: str) -> None:
    """``cache_version_bump`` now (reads in this transaction see it) and again when
    the transaction commits (an entry built meanwhile from the rows before the
    commit is retired too)."""
    from django.db import transaction

    cache_version_bump(key)
    transaction.on_commit(lambda: cache_version_bump(key), robust=True)


# --- Reads shared within a request ----------------------------------------------------
#
# A cached page's key is made of many small entries (versions, rules snapshots)
# owned by different modules; read one by one they cost a round trip each, more
# than the page itself. Inside ``shared_reads`` every read of the same key
# answers once, and the keys modules registered with ``register_read_ahead`` are
# read first, one round trip per stage (a stage-2 key names a stage-1 value, as
# a rules snapshot names its version). Writes in the block drop what they touch,
# so a bump is seen at once. Only ``FailSoftRedisCache`` keeps the reads.

_NOT_READ = object()
_ABSENT = object()
# A context variable, not a thread-local: cheap to read (every cache call asks),
# and each thread and each asyncio task sees its own request's memo.
_reads_memo: ContextVar[dict | None] = ContextVar("commerce_shared_reads", default=None)
_read_ahead: list[tuple[int, Callable[[object], Iterable[str]], bool]] = []


def _memo() -> dict | None:
    return _reads_memo.get()


def _forget_read(*keys) -> None:
    memo = _memo()
    if memo is not None:
        for key in keys:
            memo.pop(key, None)


def register_read_ahead(
    keys_for: Callable[[object], Iterable[str]], *, stage: int = 1, again: bool = False
) -> None:
    """``keys_for(request)``: cache keys a page key of this request will read.
    ``again``: it may name more once a view knows more (``shared_reads`` opened
    again: the member and their company, set after the request's first reads);
    the others are asked once a request. (A key not read ahead is still read
    when asked for, in a round trip of its own.)"""
    _read_ahead.append((stage, keys_for, again))


def _read_ahead_now(request, *, again: bool = False) -> None:
    for stage in sorted({stage for stage, _, _ in _read_ahead}):
        keys = [
            key
            for s, keys_for, asked_again in _read_ahead
            if s == stage and (asked_again or not again)
            for key in keys_for(request)
        ]
        if keys:
            cache.get_many(list(dict.fromkeys(keys)))  # only the keys not read yet


@contextmanager
def shared_reads(request):
    """Within the block, read each cache key once, the registered ones up front.

    Opened for every request by ``SharedReadsMiddleware``, as soon as the session
    is known (what it knows then: the session, the signed-in user's id, the
    catalog's versions); a view that knows more (the member, the company) opens
    it again to read the rest ahead (what the ``again`` registrations name now),
    and keys already read cost nothing. The
    view's template renders inside the middleware's block, so the layout shares
    the view's reads."""
    if _memo() is not None:
        _read_ahead_now(request, again=True)
        yield
        return
    token = _reads_memo.set({})
    try:
        _read_ahead_now(request)
        yield
    finally:
        _reads_memo.reset(token)


class SharedReadsMiddleware:
    """``shared_reads`` around the whole request, right after the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with shared_reads(request):
            return self.get_response(request)
