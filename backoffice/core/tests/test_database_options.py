"""PostgreSQL binds the parameters and prepares what a connection runs often (issue 16's
order path), unless DB_SERVER_SIDE_BINDING=false (a pooler that cannot keep prepared
statements); the replicas connect as the primary does."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

_SHOW = (
    "from config.settings import base; import json; "
    "print(json.dumps({a: d.get('OPTIONS', {}) for a, d in base.DATABASES.items()}))"
)


def _options(**env: str) -> dict:
    result = subprocess.run(  # noqa: S603 - this Python, our own code
        [sys.executable, "-c", _SHOW],
        env={
            **os.environ,
            "DATABASE_URL": "postgres://app@db.invalid:5432/backoffice",
            "DATABASE_REPLICA_URLS": "postgres://app@replica.invalid:5432/backoffice",
            **env,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_postgresql_binds_on_the_server_and_prepares_by_default():
    options = _options()
    for alias in ("default", "replica1"):
        assert options[alias]["server_side_binding"] is True
        assert options[alias]["prepare_threshold"] == 5
    assert options["replica1"]["connect_timeout"] == 2


def test_behind_a_pooler_binding_and_preparing_are_off():
    options = _options(DB_SERVER_SIDE_BINDING="false")
    for alias in ("default", "replica1"):
        assert "server_side_binding" not in options[alias]
        assert "prepare_threshold" not in options[alias]


@pytest.mark.django_db
def test_a_statement_run_five_times_is_prepared_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    with connection.cursor() as cursor:
        for n in range(6):
            cursor.execute("SELECT %s::int + 40 AS prepared_probe", [n])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%prepared_probe%"],
        )
        assert cursor.fetchone()[0] == 1
