"""Sessions in the database, read through the cache (``SESSION_ENGINE``).

The database holds every session, as with Django's ``db`` engine, so a
signed-in user stays signed in whatever happens to Redis. Reads go through
the cache: a signed-in page needs no query for its session while Redis holds
it. Django's ``cached_db`` engine does the same but can bring a deleted
session back to life: a request that read the row just before a sign-out
deleted it writes it back into the cache just after. Here:

* a read fills the cache with ``add``, never over what is there;
* a sign-out (``delete``) leaves a tombstone in the cache instead of nothing,
  so a fill racing with it finds the key taken and the session stays gone;
* a save writes the cached copy unless a tombstone is there, in one atomic
  step (``FailSoftRedisCache.set_unless``); a save of a session deleted
  meanwhile fails in the database before it touches the cache (Django's
  ``SessionInterrupted``);
* every cached copy lives at most ``SESSION_CACHE_SECONDS`` (10 minutes by
  default), which bounds any interleaving not covered above.

With Redis down a read is a miss and goes to the database; a tombstone or
delete Redis did not take is replayed as a delete when it answers again
(``commerce.core.cache``), so the database's answer wins. One window is left:
when Redis is unreachable from one process only, a sign-out there leaves the
session cached for the others until that process reaches Redis again (its next
cache call after ``CACHE_DOWN_SECONDS``), and never past ``SESSION_CACHE_SECONDS``.

Used only with a cache every process shares (Redis): with a per-process cache a
sign-out in one process would leave the session cached in the others.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.cache import caches

from commerce.core.cache import register_read_ahead

KEY_PREFIX = "commerce.sessions:"
TOMBSTONE = "-"


def _cache_seconds(expiry_age: int) -> int:
    return max(0, min(expiry_age, getattr(settings, "SESSION_CACHE_SECONDS", 600)))


class SessionStore(DBStore):
    cache_key_prefix = KEY_PREFIX

    def __init__(self, session_key=None):
        self._cache = caches[settings.SESSION_CACHE_ALIAS]
        super().__init__(session_key)

    @property
    def cache_key(self) -> str:
        return self.cache_key_prefix + self._get_or_create_session_key()

    def load(self):
        key = self.cache_key
        data = self._cache.get(key)
        if data == TOMBSTONE:
            self._session_key = None
            return {}
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        seconds = _cache_seconds(self.get_expiry_age(expiry=row.expire_date))
        if seconds:
            self._cache.add(key, data, seconds)
        return data

    def exists(self, session_key):
        if session_key and self._cache.get(self.cache_key_prefix + session_key) is not None:
            return True
        return super().exists(session_key)

    def save(self, must_create=False):
        super().save(must_create)
        key, seconds = self.cache_key, _cache_seconds(self.get_expiry_age())
        if must_create:  # a new key: nothing cached, no tombstone
            if seconds:
                self._cache.add(key, self._session, seconds)
            return
        set_unless = getattr(self._cache, "set_unless", None)
        if set_unless is None or not seconds:
            self._cache.delete(key)
        else:
            set_unless(key, self._session, TOMBSTONE, seconds)

    def delete(self, session_key=None):
        super().delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache.set(
            self.cache_key_prefix + session_key,
            TOMBSTONE,
            _cache_seconds(settings.SESSION_COOKIE_AGE) or 1,
        )

    @classmethod
    def clear_expired(cls):
        super().clear_expired()  # cached copies expire by their own timeout


def session_user_id(request) -> str | None:
    """The signed-in user's id as the session holds it, without loading the user
    (for keys read ahead before ``request.user`` exists); None when signed out."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    session_key = session.session_key
    if not session_key:
        return None
    # Asked by every key read ahead: answered once per session key (signing in
    # or out gives the session a new key or none).
    known = request.__dict__.get("_session_user_id")
    if known is not None and known[0] == session_key:
        return known[1]
    user_id = session.get(SESSION_KEY)
    request._session_user_id = (session_key, user_id)
    return user_id


# Keys named after the session's user are read ahead from stage 2 on: stage 1
# reads the session itself.
USER_STAGE = 2


def _read_ahead(request) -> list[str]:
    session = getattr(request, "session", None)
    if isinstance(session, SessionStore) and session.session_key:
        return [KEY_PREFIX + session.session_key]
    return []


register_read_ahead(_read_ahead)
