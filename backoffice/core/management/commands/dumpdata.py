"""Django's `dumpdata`, made loadable and consistent:

- models the database does not manage (the reports' view, `sales.SalesFactRow`) are
  left out: their rows are computed from tables that are dumped,
  and `loaddata` cannot write into a view;
- every table is read in one snapshot (one read-only transaction), so a dump taken while
  others write holds no order line without its order.

A backup is still `manage.py backup` (the database's own copy, with the uploaded files)."""

import contextlib
from collections.abc import Iterator

from django.apps import apps
from django.core.management.commands import dumpdata
from django.db import DEFAULT_DB_ALIAS, connections, transaction


def unmanaged_labels() -> list[str]:
    return [model._meta.label for model in apps.get_models() if not model._meta.managed]


@contextlib.contextmanager
def read_snapshot(using: str) -> Iterator[None]:
    """One transaction that sees one state of the database and blocks no writer."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        # Our SQLite transactions BEGIN IMMEDIATE (they take the write lock); a deferred one
        # in WAL mode reads a snapshot from its first SELECT and lets writers go on.
        mode, connection.transaction_mode = connection.transaction_mode, "DEFERRED"
        try:
            with transaction.atomic(using=using):
                yield
        finally:
            connection.transaction_mode = mode
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class Command(dumpdata.Command):
    help = (
        f"{dumpdata.Command.help} Database views (unmanaged models) are left out, and all "
        "tables are read in one snapshot. For backups use `manage.py backup`."
    )

    def handle(self, *app_labels, **options):
        options["exclude"] = [*options.get("exclude", []), *unmanaged_labels()]
        with read_snapshot(options.get("database") or DEFAULT_DB_ALIAS):
            return super().handle(*app_labels, **options)
