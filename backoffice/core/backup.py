"""Backups that restore (issue 15 §21): the database and the uploaded files in one archive,
with a manifest that restore checks before and after.

- SQLite: the sqlite3 online backup API, copied in one step (one read transaction): a
  consistent snapshot while others go on writing (WAL mode).
- PostgreSQL: `pg_dump --format=custom` of a snapshot exported by a REPEATABLE READ
  transaction, in which the rows are also counted, so the counts are the dump's.
- The media folder is walked after the database's snapshot: every file a row of the
  snapshot names already exists then.

The archive is a tar: `manifest.json`, `database/<dump>`, `media/<path>`. The manifest holds
each table's row count, the triggers (with the audit trail's append-only guard), and the
size and sha256 of the dump and of every file. A damaged archive (a member missing, added,
or changed) is refused before anything is touched.
"""

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from backoffice.audit.models import AuditEvent

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BackupError(Exception):
    """The archive is damaged, or the target cannot take it; nothing was changed."""


class RestoreMismatch(Exception):
    """The restored database or files differ from the manifest."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} mismatches: " + "; ".join(problems[:20]))


# --- the database's side -------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(vendor: str, cursor) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') "
            "AND relnamespace = current_schema()::regnamespace"
        )
    return sorted(row[0] for row in cursor.fetchall())


def _triggers(vendor: str, cursor) -> list[str]:
    """'table.trigger' of every trigger that fires (a disabled one is not listed)."""
    if vendor == "sqlite":
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
    else:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' "
            "AND c.relnamespace = current_schema()::regnamespace"
        )
    return sorted(f"{table}.{name}" for table, name in cursor.fetchall())


def _state(vendor: str, cursor) -> dict[str, Any]:
    """Row counts per table, triggers, and the media paths the rows name (every FileField)."""
    tables = {}
    for table in _tables(vendor, cursor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
        tables[table] = cursor.fetchone()[0]
    references: set[str] = set()
    for model in apps.get_models():
        if not model._meta.managed or model._meta.db_table not in tables:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                table, column = _quote(model._meta.db_table), _quote(field.column)
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
                references.update(row[0] for row in cursor.fetchall())
    return {"tables": tables, "triggers": _triggers(vendor, cursor), "references": references}


def _sqlite_state(path: Path) -> dict[str, Any]:
    copy = sqlite3.connect(path)
    try:
        cursor = copy.cursor()
        cursor.execute("PRAGMA integrity_check")
        if cursor.fetchone()[0] != "ok":
            raise BackupError(f"{path.name}: the SQLite file is corrupt")
        return _state("sqlite", cursor)
    finally:
        copy.close()


def _sqlite_dump(using: str, target: Path) -> dict[str, Any]:
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # pages=-1: the whole file in one step, under one read lock: one state of the database.
        connection.connection.backup(copy, pages=-1)
    finally:
        copy.close()
    return _sqlite_state(target)


def _pg_command(using: str, program: str, *arguments: str) -> tuple[list[str], dict[str, str]]:
    """`program` with the connection's settings in the environment (PGHOST, PGPASSWORD…)."""
    settings_dict = connections[using].settings_dict
    _args, env = connections[using].client.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(env or {})}
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return [program, *arguments], env


def _major(text: str) -> int:
    found = re.search(r"(\d+)(?:\.\d+)?", text)
    if not found:
        raise BackupError(f"no version in {text!r}")
    return int(found.group(1))


def _pg_tool_version(program: str) -> int:
    if not shutil.which(program):
        raise BackupError(f"{program} is not installed (PostgreSQL client tools)")
    result = subprocess.run(  # noqa: S603 - a fixed program with our arguments
        [program, "--version"], capture_output=True, text=True, check=True
    )
    return _major(result.stdout.split("(PostgreSQL)", 1)[-1])  # "pg_dump (PostgreSQL) 15.20"


def _pg_server_version(using: str) -> int:
    return connections[using].pg_version // 10000


def _pg_dump(using: str, target: Path) -> dict[str, Any]:
    connection = connections[using]
    connection.ensure_connection()
    server, tool = _pg_server_version(using), _pg_tool_version("pg_dump")
    if tool < server:
        raise BackupError(f"pg_dump {tool} cannot dump a PostgreSQL {server} server")
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = _state("postgresql", cursor)
        command, env = _pg_command(
            using, "pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target)
        )
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    state["server_version"], state["pg_dump_version"] = server, tool
    return state


# --- files ----------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for directory, subdirs, names in os.walk(root):
        subdirs.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in name


# --- backup ---------------------------------------------------------------------------------


def backup_create(
    *, destination: Path, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None
) -> dict[str, Any]:
    """Write the archive to `destination` (through a temporary name: a half-written archive
    never carries the final name) and return its manifest."""
    connection = connections[using]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as scratch:
        if connection.vendor == "sqlite":
            dump = Path(scratch) / "backoffice.sqlite3"
            state = _sqlite_dump(using, dump)
        elif connection.vendor == "postgresql":
            dump = Path(scratch) / "backoffice.pgdump"
            state = _pg_dump(using, dump)
        else:
            raise BackupError(f"no backup for {connection.vendor}")
        partial = destination.with_name(destination.name + ".partial")
        mode = "w:gz" if destination.name.endswith((".tgz", ".tar.gz")) else "w"
        files: dict[str, dict[str, Any]] = {}
        with tarfile.open(partial, mode) as archive:
            archive.add(dump, arcname=f"database/{dump.name}", recursive=False)
            for relative, path in _media_files(media_root):
                data = path.read_bytes()  # read once: the bytes hashed are the bytes stored
                info = tarfile.TarInfo(f"media/{relative}")
                info.size, info.mtime, info.mode = len(data), int(path.stat().st_mtime), 0o644
                archive.addfile(info, io.BytesIO(data))
                files[relative] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            references = state.pop("references")
            manifest = {
                "format": FORMAT,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "vendor": connection.vendor,
                "database": {
                    "name": f"database/{dump.name}",
                    "size": dump.stat().st_size,
                    "sha256": _sha256_file(dump),
                },
                **state,
                "files": files,
                # named by a row of the snapshot but gone from the folder when it was copied
                "missing_files": sorted(references - files.keys()),
            }
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(time.time()), 0o644
            archive.addfile(info, io.BytesIO(body))
        os.replace(partial, destination)
    return manifest


# --- verify ---------------------------------------------------------------------------------


def backup_verify(*, archive: Path) -> dict[str, Any]:
    """The manifest, once every member has been read and found as it says; BackupError
    naming what is wrong otherwise."""
    problems: list[str] = []
    seen: dict[str, tuple[int, str]] = {}
    manifest = None
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if not member.isfile() or not _safe_member(member.name):
                    problems.append(f"unexpected member {member.name!r}")
                    continue
                handle = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.loads(handle.read())
                    continue
                digest = hashlib.sha256()
                for chunk in iter(lambda h=handle: h.read(CHUNK), b""):
                    digest.update(chunk)
                seen[member.name] = (member.size, digest.hexdigest())
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise BackupError(f"{archive}: not a readable archive ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: no manifest of format {FORMAT}")
    expected = {manifest["database"]["name"]: manifest["database"]}
    expected.update({f"media/{name}": entry for name, entry in manifest["files"].items()})
    for name, entry in expected.items():
        if name not in seen:
            problems.append(f"{name}: missing")
        elif seen[name] != (entry["size"], entry["sha256"]):
            problems.append(f"{name}: checksum differs from the manifest")
    problems += [f"{name}: not in the manifest" for name in seen.keys() - expected.keys()]
    if problems:
        raise BackupError(f"{archive} is damaged: " + "; ".join(sorted(problems)[:20]))
    return manifest


# --- restore --------------------------------------------------------------------------------


def _database_is_empty(using: str) -> bool:
    connection = connections[using]
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        if not name.exists():
            return True
    with connection.cursor() as cursor:
        return not _tables(connection.vendor, cursor)


def _restore_sqlite(using: str, archive: Path, manifest: dict[str, Any]) -> None:
    connection = connections[using]
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.close()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".restore-") as scratch:
        with tarfile.open(archive, "r:*") as tar:
            tar.extract(manifest["database"]["name"], scratch, filter="data")
        copy = Path(scratch) / manifest["database"]["name"]
        if _sha256_file(copy) != manifest["database"]["sha256"]:
            raise BackupError("the database file changed while it was read")
        state = _sqlite_state(copy)  # its counts, before it takes the database's place
        if state["tables"] != manifest["tables"]:
            raise BackupError("the database file's row counts differ from the manifest")
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(copy, target)


def _restore_postgres(using: str, archive: Path, manifest: dict[str, Any], force: bool) -> None:
    tool = _pg_tool_version("pg_restore")
    if tool < manifest.get("pg_dump_version", 0):
        raise BackupError(
            f"pg_restore {tool} cannot read a dump of pg_dump {manifest['pg_dump_version']}"
        )
    connections[using].close()
    with tempfile.TemporaryDirectory(prefix="backoffice-restore-") as scratch:
        with tarfile.open(archive, "r:*") as tar:
            tar.extract(manifest["database"]["name"], scratch, filter="data")
        dump = Path(scratch) / manifest["database"]["name"]
        database = connections[using].settings_dict["NAME"]
        options = ["--dbname", database, "--no-owner", "--exit-on-error", "--single-transaction"]
        if force:
            options += ["--clean", "--if-exists"]
        command, env = _pg_command(using, "pg_restore", *options, str(dump))
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _restore_media(archive: Path, manifest: dict[str, Any], media_root: Path) -> None:
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            if not member.name.startswith("media/"):
                continue
            relative = member.name.removeprefix("media/")
            target = media_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.restoring")
            with tar.extractfile(member) as source, partial.open("wb") as sink:
                shutil.copyfileobj(source, sink, CHUNK)
            os.replace(partial, target)


def restore_check(
    *, manifest: dict[str, Any], using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None
) -> list[str]:
    """What differs between the manifest and the database and files as they are now."""
    connection = connections[using]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with connection.cursor() as cursor:
        state = _state(connection.vendor, cursor)
    problems = []
    for table, count in manifest["tables"].items():
        actual = state["tables"].get(table)
        if actual != count:
            problems.append(f"table {table}: {actual} rows, the manifest says {count}")
    problems += [
        f"table {t}: not in the manifest"
        for t in state["tables"].keys() - manifest["tables"].keys()
    ]
    problems += [
        f"trigger {t}: missing" for t in sorted(set(manifest["triggers"]) - set(state["triggers"]))
    ]
    audit = AuditEvent._meta.db_table
    if not any(trigger.startswith(f"{audit}.") for trigger in state["triggers"]):
        problems.append(f"no trigger guards {audit}: the audit trail is not append-only")
    for name, entry in manifest["files"].items():
        path = media_root / name
        if not path.is_file():
            problems.append(f"file {name}: missing")
        elif _sha256_file(path) != entry["sha256"]:
            problems.append(f"file {name}: checksum differs from the manifest")
    missing = state["references"] - manifest["files"].keys() - set(manifest["missing_files"])
    problems += [f"file {name}: named by a row, not restored" for name in sorted(missing)]
    return problems


def backup_restore(
    *,
    archive: Path,
    using: str = DEFAULT_DB_ALIAS,
    media_root: Path | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Verify the archive, restore it into an empty database and media folder (`force`:
    over what is there), and check the result against the manifest: RestoreMismatch lists
    every difference. Returns the manifest."""
    archive = Path(archive)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = backup_verify(archive=archive)
    vendor = connections[using].vendor
    if manifest["vendor"] != vendor:
        raise BackupError(f"a {manifest['vendor']} backup cannot be restored into {vendor}")
    if not force:
        if not _database_is_empty(using):
            raise BackupError("the database is not empty (restore into an empty one, or --force)")
        if any(True for _ in _media_files(media_root)):
            raise BackupError(f"{media_root} is not empty (restore into an empty one, or --force)")
    if vendor == "sqlite":
        _restore_sqlite(using, archive, manifest)
    else:
        _restore_postgres(using, archive, manifest, force)
    _restore_media(archive, manifest, media_root)
    # every cache held what was read from the database before (review counts, the reports'
    # rows kept by period, keyed by sums the restored database may reach again with other
    # figures)
    for alias in settings.CACHES:
        caches[alias].clear()
    problems = restore_check(manifest=manifest, using=using, media_root=media_root)
    if problems:
        raise RestoreMismatch(problems)
    return manifest
