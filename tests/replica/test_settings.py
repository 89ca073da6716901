"""The replica is switched on by DATABASE_REPLICA_URL alone."""

import json

from tests.foundation.test_settings_switch import run

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'aliases': sorted(settings.DATABASES), "
    "'routers': list(getattr(settings, 'DATABASE_ROUTERS', [])), "
    "'on': settings.READ_REPLICA, "
    "'replica': settings.DATABASES.get('replica', {}).get('PORT')}))"
)
PRIMARY = "postgres://u@127.0.0.1:5432/shop"


def probe(**env):
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_replica_url_there_is_one_database_and_no_router():
    assert probe(DATABASE_URL=PRIMARY) == {
        "aliases": ["default"],
        "routers": [],
        "on": False,
        "replica": None,
    }


def test_a_replica_url_adds_the_alias_and_the_router():
    settings = probe(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL="postgres://u@127.0.0.1:5435/shop")
    assert settings == {
        "aliases": ["default", "replica"],
        "routers": ["commerce.core.replica.ReplicaRouter"],
        "on": True,
        "replica": 5435,
    }
