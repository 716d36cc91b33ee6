"""Reads on PostgreSQL streaming replicas (issue 19 §1), off unless DATABASE_REPLICA_URLS names
one or more: their aliases are "replica1", "replica2"…, and the router below is installed.

What goes to a replica: the reads of a request that tolerates a few seconds of lag (a report,
the dashboard, an admin list, an Excel export or a printed list: `lag_tolerant`) and of work
wrapped in `replica_reads()` (the report pack). Everything else reads the primary:
- every write, and every read while the primary is inside a transaction (a read that a write
  depends on must see the write's own rows and locks);
- for REPLICA_PIN_SECONDS after a user's last write (POST, PUT, PATCH, DELETE): read your
  writes, kept in the shared cache so it holds on every app server;
- sessions, users, permissions and the task queue, which a login or a worker reads at once;
- when no replica answers: a warning in the log, the primary instead, and the replica left
  alone for REPLICA_RETRY_SECONDS before it is tried again.
"""

import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA_PREFIX = "replica"
# read at once by logins, permission checks and workers: never from a replica
PRIMARY_APPS = frozenset(
    {
        "sessions",
        "auth",
        "authtoken",  # an API token, read before the request's user is known
        "accounts",
        "contenttypes",
        "axes",
        "django_tasks_db",
        "admin",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# True or False; or a lag-tolerant request, whose reads go to a replica unless its user has
# just written (decided at its first read once the user is known: `_request_reads_replica`)
_on_replica: ContextVar[bool | HttpRequest] = ContextVar("replica_reads", default=False)
_down_until: dict[str, float] = {}  # per process: a replica that did not answer, and until when


ROUTER = "backoffice.core.replicas.ReplicaRouter"


def replica_aliases() -> list[str]:
    """The replicas reads may go to: none unless the router is installed (settings)."""
    if ROUTER not in settings.DATABASE_ROUTERS:
        return []
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


@contextmanager
def replica_reads(on: bool = True) -> Iterator[None]:
    """Reads inside go to a replica (when one is configured and answers)."""
    token = _on_replica.set(on)
    try:
        yield
    finally:
        _on_replica.reset(token)


def _answers(alias: str) -> bool:
    if _down_until.get(alias, 0) > time.monotonic():
        return False
    try:
        connections[alias].ensure_connection()
    except DatabaseError as error:
        retry = settings.REPLICA_RETRY_SECONDS
        _down_until[alias] = time.monotonic() + retry
        logger.warning(
            "replica %s does not answer (%s): reading the primary for %ss", alias, error, retry
        )
        return False
    _down_until.pop(alias, None)
    return True


def replica_for_read() -> str | None:
    """The replica this read goes to, or None for the primary."""
    on = _on_replica.get()
    if isinstance(on, HttpRequest):
        on = _request_reads_replica(on)
    if not on or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    aliases = replica_aliases()
    random.shuffle(aliases)
    return next((alias for alias in aliases if _answers(alias)), None)


class ReplicaRouter:
    """Installed with DATABASE_REPLICA_URLS (config.settings.base)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if model._meta.app_label in PRIMARY_APPS:
            return DEFAULT_DB_ALIAS
        return replica_for_read() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, copied

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # a replica follows the primary's schema by itself


# --- requests ---------------------------------------------------------------------------------
def lag_tolerant(request: HttpRequest) -> bool:
    """A read whose answer may be a few seconds old: a report (page or API), the dashboard, an
    admin list, its Excel export or its printed list."""
    match = request.resolver_match
    if request.method not in SAFE_METHODS or match is None:
        return False
    name = match.url_name or ""
    return (
        name.startswith("report-")
        or match.view_name == "admin:index"
        or (
            match.namespace == "admin"
            and name.endswith(("_changelist", "_export_xlsx", "_print_list"))
        )
    )


def _pin_key(user_id: Any) -> str:
    return f"replicas:pinned:{user_id}"


def _user_id(request: HttpRequest) -> Any:
    """The signed-in user's id (None for an anonymous request, or before authentication)."""
    return getattr(getattr(request, "user", None), "pk", None)


def _request_reads_replica(request: HttpRequest) -> bool:
    """Whether a lag-tolerant request reads a replica: not when its user wrote within
    REPLICA_PIN_SECONDS (read your writes). Asked at each read until the user is known (an
    API token is read inside the view, after the middleware), then kept for the request."""
    _on_replica.set(False)  # loading the user reads the primary, never this router again
    user_id = _user_id(request)
    if user_id is None:
        _on_replica.set(request)  # asked again once the user is known
        return True  # nobody yet: nothing of theirs to read (their token reads the primary)
    reads = not cache.get(_pin_key(user_id))
    _on_replica.set(reads)
    return reads


class ReplicaMiddleware:
    """Sends the reads of a lag-tolerant request to a replica unless its user has just written,
    and pins a user who writes to the primary for REPLICA_PIN_SECONDS. Placed after the
    authentication middleware; without replicas it does nothing."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _on_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _on_replica.reset(token)
        if request.method in SAFE_METHODS or not replica_aliases():
            return response  # without replicas the user is not even looked at
        user_id = _user_id(request)
        if user_id is not None:
            cache.set(_pin_key(user_id), True, timeout=settings.REPLICA_PIN_SECONDS)
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        if not replica_aliases() or not lag_tolerant(request):
            return
        _on_replica.set(request)  # the user who just wrote reads the primary (decided at a read)
