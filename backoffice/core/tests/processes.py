"""What the tests that start processes of the app (task workers, app servers) share: the
environment that points them at this test run's database, as production settings do."""

import os
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    """This test run's database (its test name), as a DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    return (
        f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


def app_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a process of the app on the test database, its files in `var_dir`
    (shared by every process given the same one), no read replicas."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url(),
        "BACKOFFICE_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    env.pop("DATABASE_REPLICA_URLS", None)
    env.pop("REDIS_URL", None)
    return env
