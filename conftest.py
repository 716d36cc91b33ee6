"""Personas and shared fixtures (STYLE §9).

Two reps in different regions, a clerk, a regional manager of the north, finance, and an
outsider with no role at all. Every access test includes one who must not see.
"""

import os

import pytest
import time_machine
from django.core.management.commands import flush

from backoffice.accounts.models import Region
from backoffice.accounts.services import user_create
from backoffice.audit.guard import purge_allowed

_original_flush = flush.Command.handle


def _flush_with_audit_purge(self, *args, **options):
    # Transactional tests empty the database between tests; on SQLite that is a DELETE,
    # which the audit trail's append-only trigger refuses outside purge_allowed().
    with purge_allowed():
        return _original_flush(self, *args, **options)


flush.Command.handle = _flush_with_audit_purge

PASSWORD = "s3cret-Pass-2026"


def pytest_configure(config: pytest.Config) -> None:
    """`FROZEN_CLOCK=2026-11-29T16:05:00Z` runs the whole suite from that instant (the clock
    still ticks). CI runs it just after local midnight and on the last local day of a month
    and of a year, so that no test or code path depends on the hour (the company's day is
    Asia/Shanghai, eight hours ahead of UTC)."""
    frozen = os.environ.get("FROZEN_CLOCK", "")
    if frozen:
        time_machine.travel(frozen, tick=True).start()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads and archived files of a test stay in its own directory, never in var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def region_north(db) -> Region:
    return Region.objects.get_or_create(code="north", defaults={"name": "华北大区"})[0]


@pytest.fixture
def region_east(db) -> Region:
    return Region.objects.get_or_create(code="east", defaults={"name": "华东大区"})[0]


def _person(username: str, role: str, regions: list[str], full_name: str):
    return user_create(
        username=username,
        role=role,
        region_codes=regions,
        password=PASSWORD,
        full_name=full_name,
        validate_password_strength=False,
    )


@pytest.fixture
def rep_wang(region_north):
    return _person("rep_wang", "rep", ["north"], "王磊")


@pytest.fixture
def rep_li(region_east):
    return _person("rep_li", "rep", ["east"], "李娜")


@pytest.fixture
def clerk(db):
    return _person("clerk", "clerk", [], "陈静")


@pytest.fixture
def manager_north(region_north):
    return _person("manager_north", "regional_manager", ["north"], "刘洋")


@pytest.fixture
def finance(db):
    return _person("finance", "finance", [], "孙丽")


@pytest.fixture
def admin_user(db):
    return _person("boss_admin", "admin", [], "管理员")


@pytest.fixture
def outsider(db):
    from backoffice.accounts.models import User

    user = User(username="outsider", full_name="路人", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def pytest_report_header(config) -> str:
    from django.conf import settings

    clock = os.environ.get("FROZEN_CLOCK", "")
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine}" + (f"; clock from {clock}" if clock else "")


def pytest_collection_finish(session) -> None:
    # CI names the database it wants; make sure the suite really runs there.
    from django.conf import settings

    wanted = os.environ.get("DATABASE_URL", "sqlite")
    engine = settings.DATABASES["default"]["ENGINE"]
    if wanted.startswith("postgres") and "postgresql" not in engine:
        raise RuntimeError(f"DATABASE_URL asks for PostgreSQL but the suite uses {engine}")
