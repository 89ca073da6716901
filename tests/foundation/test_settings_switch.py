"""Embedded defaults vs real services vs production, decided by the environment alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'], "
    "'cache': settings.CACHES['default']['BACKEND'], "
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL, "
    "'email': settings.EMAIL_BACKEND, 'debug': settings.DEBUG}))"
)
SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ENV",
    "SECRET_KEY",
    "DEBUG",
    "TESTING",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    base.update(env, DJANGO_SETTINGS_MODULE="commerce.settings")
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(**env: str) -> dict:
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_environment_means_embedded_defaults(tmp_path):
    found = probe(SQLITE_PATH=str(tmp_path / "db.sqlite3"))

    assert found == {
        "db": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "eager": True,
        "broker": "memory://",
        "email": "django.core.mail.backends.console.EmailBackend",
        "debug": True,
    }


def test_service_urls_switch_to_postgres_and_redis():
    found = probe(
        DATABASE_URL="postgres://commerce@127.0.0.1:5432/commerce",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert found["db"] == "django.db.backends.postgresql"
    assert found["cache"] == "commerce.core.cache.FailSoftRedisCache"
    assert found["broker"] == "redis://127.0.0.1:6379/0"
    assert found["eager"] is False


def test_production_refuses_to_start_without_a_secret_key():
    result = run(PROBE, DJANGO_ENV="production")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_development_key():
    result = run(
        PROBE,
        DJANGO_ENV="production",
        SECRET_KEY="dev-only-insecure-secret-key-never-use-in-production",
    )

    assert result.returncode != 0


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_ENV="production",
        SECRET_KEY="x" * 30 + "-production-secret-for-the-deploy-check",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
    )

    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_is_a_clear_configuration_error(value):
    result = run(PROBE, DEBUG=value)

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
