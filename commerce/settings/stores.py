"""Data stores: the database, the cache and sessions."""

from pathlib import Path

import dj_database_url

from commerce.settings.env import BASE_DIR, TESTING, env_float, env_int, env_str

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # A busy SQLite file waits for the writer instead of failing at once.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# Optional read replica (a streaming standby of the primary): catalogue, search
# and product pages read from it, everything else from the primary (see
# commerce/core/replica.py). Without it there is one database. Tests get the
# alias as a mirror of the primary, used only where READ_REPLICA is switched on.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
READ_REPLICA = bool(DATABASE_REPLICA_URL)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2)
    )
elif TESTING:
    DATABASES["replica"] = {
        **DATABASES["default"],
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {})},
    }
if "replica" in DATABASES:
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["commerce.core.replica.ReplicaRouter"]
# After a write (POST, PUT, PATCH, DELETE) a client reads from the primary this long.
READ_REPLICA_STICKY_SECONDS = env_int("READ_REPLICA_STICKY_SECONDS", 10)
# A replica that refused a connection is left alone this long.
READ_REPLICA_RETRY_SECONDS = env_int("READ_REPLICA_RETRY_SECONDS", 30)

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails soft: with Redis unreachable a read is a miss and a write a no-op, so
    # pages keep answering from the database (see commerce/core/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "commerce.core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "commerce"),
            "TIMEOUT": 300,
            "OPTIONS": {
                "socket_connect_timeout": env_float("CACHE_CONNECT_TIMEOUT", 0.25),
                "socket_timeout": env_float("CACHE_SOCKET_TIMEOUT", 0.5),
                "DOWN_SECONDS": env_float("CACHE_DOWN_SECONDS", 5.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, so signed-in users stay signed in (and
# signed-out users stay signed out) whatever happens to Redis. With Redis they
# are read through it (commerce/core/sessions.py), and so is each signed-in
# user's access (accounts/access_cache.py). Not with a per-process cache: a
# change seen by one process would leave the others serving the old copy.
SESSION_ENGINE = env_str(
    "SESSION_ENGINE",
    "commerce.core.sessions" if REDIS_URL else "django.contrib.sessions.backends.db",
)
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 600)
ACCESS_SNAPSHOTS = bool(REDIS_URL) and env_str("ACCESS_SNAPSHOTS", "1") != "0"
