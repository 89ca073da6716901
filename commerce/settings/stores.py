"""Data stores: the database, the cache and sessions."""

from pathlib import Path

import dj_database_url

from commerce.settings.env import BASE_DIR, env_float, env_int, env_str

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

# Sessions live in the database alone: signed-in users stay signed in (and
# signed-out users stay signed out) whatever happens to Redis.
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")
